import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { textProblem } from "../../../src/domain/text.js";

describe("textProblem", () => {
  it.each(["", "Ada", "Zoë €", "😀", "\ud83d\ude00", "tab\tand\nnewline", "\ufffd"])(
    "accepts %j",
    (text) => {
      expect(textProblem(text)).toBeNull();
    },
  );

  it.each(["\u0000", "a\u0000b", "\u0000@x.org"])("refuses U+0000 in %j", (text) => {
    expect(textProblem(text)).toMatch(/U\+0000/);
  });

  it.each(["\ud800", "s\ud800@x.org", "\udbff", "\udc00x", "x\udfff", "\ude00\ud83d"])(
    "refuses the lone surrogate in %j",
    (text) => {
      expect(textProblem(text)).toMatch(/lone surrogate/);
    },
  );

  it("accepts exactly the texts that survive a round trip through UTF-8 without U+0000", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 12 }), (text) => {
        const storable = !text.includes("\u0000") && Buffer.from(text).toString() === text;
        expect(textProblem(text) === null).toBe(storable);
      }),
    );
  });
});
