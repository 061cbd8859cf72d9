import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idProblem, MAX_ID, parseCursorKey, parseId } from "../../../src/domain/ids.js";

describe("id ranges", () => {
  it("are 1 to 2147483647 for domains and 1 to 2^53 − 1 for users and contacts", () => {
    expect(MAX_ID).toEqual({
      domain: 2_147_483_647,
      user: 9_007_199_254_740_991,
      contact: 9_007_199_254_740_991,
    });
  });

  it.each([
    ["domain", 1, null],
    ["domain", 2_147_483_647, null],
    ["domain", 2_147_483_648, "must be at most 2147483647"],
    ["user", 9_007_199_254_740_991, null],
    ["user", 9_007_199_254_740_992, "must be at most 9007199254740991"],
    ["contact", 1e300, "must be at most 9007199254740991"],
    ["user", Number.POSITIVE_INFINITY, "must be at most 9007199254740991"],
    ["user", 0, "must be a positive integer"],
    ["user", -1, "must be a positive integer"],
    ["user", 1.5, "must be a positive integer"],
    ["user", Number.NaN, "must be a positive integer"],
    ["user", "1", "must be a positive integer"],
    ["user", null, "must be a positive integer"],
  ] as const)("idProblem(%s, %s) is %s", (kind, value, problem) => {
    expect(idProblem(kind, value)).toBe(problem);
  });

  it.each([
    ["domain", "2147483647", 2_147_483_647],
    ["user", "9007199254740991", 9_007_199_254_740_991],
  ] as const)("parseId(%s, %s) reads the largest id", (kind, text, id) => {
    expect(parseId(kind, text)._unsafeUnwrap()).toBe(id);
  });

  it.each([
    ["domain", "2147483648", "must be at most 2147483647"],
    ["user", "9007199254740992", "must be at most 9007199254740991"],
    ["user", "9".repeat(400), "must be at most 9007199254740991"],
    ["user", "0", "must be a positive integer"],
    ["user", "01", "must be a positive integer"],
    ["user", "1e3", "must be a positive integer"],
    ["user", " 1", "must be a positive integer"],
    ["user", "", "must be a positive integer"],
  ] as const)("parseId(%s, %j) refuses: %s", (kind, text, problem) => {
    expect(parseId(kind, text)._unsafeUnwrapErr()).toBe(problem);
  });

  it("reads back every id of every kind written in decimal", () => {
    for (const kind of ["domain", "user", "contact"] as const) {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: MAX_ID[kind] }), (id) => {
          expect(parseId(kind, String(id))._unsafeUnwrap()).toBe(id);
        }),
      );
    }
  });

  it("reads cursors from 1 to 2^53 − 1 only", () => {
    expect(parseCursorKey("1")).toBe(1);
    expect(parseCursorKey("9007199254740991")).toBe(9_007_199_254_740_991);
    for (const text of ["0", "9007199254740992", "-1", "01", "x", ""]) {
      expect(parseCursorKey(text), text).toBeNull();
    }
  });
});
