import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldName, nameContains } from "../../../src/index.js";

describe("foldName", () => {
  it.each([
    ["Élodie", "élodie"],
    ["ÄRMEL", "ärmel"],
    ["ΟΔΟΣ", "οδοσ"],
    ["Νίκος", "νίκοσ"],
    ["Jose\u0301", "josé"],
    ["İpek", "i\u0307pek"],
    ["Straße", "straße"],
    ["50%_OFF", "50%_off"],
  ])("folds %j to %j", (text, folded) => {
    expect(foldName(text)).toBe(folded);
  });

  it("is idempotent and keeps text well formed", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const folded = foldName(text);
        expect(foldName(folded)).toBe(folded);
        expect(folded.isWellFormed()).toBe(true);
      }),
    );
  });
});

describe("nameContains", () => {
  const contact = { firstName: "Ann", lastName: "Öberg", displayName: "Dr Ann Öberg" };

  it("looks in each name on its own", () => {
    expect(nameContains(contact, foldName("ÖB"))).toBe(true);
    expect(nameContains(contact, foldName("dr a"))).toBe(true);
    expect(nameContains(contact, foldName("annö"))).toBe(false);
    expect(nameContains({ displayName: "ACME" }, foldName("acm"))).toBe(true);
  });
});
