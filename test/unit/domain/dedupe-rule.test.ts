import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Contact } from "../../../src/domain/contact.js";
import {
  DEFAULT_DEDUPE_RULE,
  type DedupeRule,
  dedupeScore,
  reachesThreshold,
} from "../../../src/domain/dedupe-rule.js";

const contact = (name: { firstName?: string; lastName?: string }): Contact => ({
  id: 1,
  contactType: "Individual",
  ...name,
  displayName: "x",
  emails: [{ email: "a@x.org", isPrimary: true, locationType: "Home" }],
  isDeleted: false,
  createdAt: new Date(0),
});

const NAMES_RULE: DedupeRule = { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 };

describe("default dedupe rule", () => {
  it("is email 10, names 0, threshold 10", () => {
    expect(DEFAULT_DEDUPE_RULE).toEqual({
      weights: { email: 10, firstName: 0, lastName: 0 },
      threshold: 10,
    });
  });

  it("accepts any contact found by email, whatever the names", () => {
    fc.assert(
      fc.property(
        fc.record({ firstName: fc.string(), lastName: fc.string() }, { requiredKeys: [] }),
        fc.record({ firstName: fc.string(), lastName: fc.string() }, { requiredKeys: [] }),
        (person, other) => {
          expect(dedupeScore(DEFAULT_DEDUPE_RULE, person, contact(other))).toBe(10);
          expect(reachesThreshold(DEFAULT_DEDUPE_RULE, person, contact(other))).toBe(true);
        },
      ),
    );
  });
});

describe("names rule (10, 5, 5; threshold 20)", () => {
  it("reaches the threshold when both names match", () => {
    const c = contact({ firstName: "Ann", lastName: "Lee" });
    expect(dedupeScore(NAMES_RULE, { firstName: "Ann", lastName: "Lee" }, c)).toBe(20);
    expect(reachesThreshold(NAMES_RULE, { firstName: "Ann", lastName: "Lee" }, c)).toBe(true);
  });

  it("matches trimmed and case-insensitive", () => {
    const c = contact({ firstName: "  ANN", lastName: "lee " });
    const person = { firstName: "ann ", lastName: " LEE" };
    expect(dedupeScore(NAMES_RULE, person, c)).toBe(20);
    expect(reachesThreshold(NAMES_RULE, person, c)).toBe(true);
  });

  it("does not reach it with another first name (scenario 25)", () => {
    const c = contact({ firstName: "Bob", lastName: "Lee" });
    const person = { firstName: "Ann", lastName: "Lee" };
    expect(dedupeScore(NAMES_RULE, person, c)).toBe(15);
    expect(reachesThreshold(NAMES_RULE, person, c)).toBe(false);
  });

  it("does not reach it with only the email matching", () => {
    const c = contact({ firstName: "Bob", lastName: "Ray" });
    expect(dedupeScore(NAMES_RULE, { firstName: "Ann", lastName: "Lee" }, c)).toBe(10);
  });

  it.each([
    ["both absent", {}, {}],
    ["both empty", { firstName: "", lastName: "" }, { firstName: "", lastName: "" }],
    ["both whitespace", { firstName: " ", lastName: "\t" }, { firstName: "  ", lastName: " " }],
    ["person absent, contact empty", {}, { firstName: "", lastName: "" }],
    ["person empty, contact absent", { firstName: "", lastName: "" }, {}],
  ])("empty fields never match: %s", (_label, person, other) => {
    expect(dedupeScore(NAMES_RULE, person, contact(other))).toBe(10);
    expect(reachesThreshold(NAMES_RULE, person, contact(other))).toBe(false);
  });

  it("a missing name on one side does not match a present one", () => {
    const c = contact({ firstName: "Ann", lastName: "Lee" });
    expect(dedupeScore(NAMES_RULE, { lastName: "Lee" }, c)).toBe(15);
    expect(dedupeScore(NAMES_RULE, { firstName: "Ann" }, contact({ lastName: "Lee" }))).toBe(10);
  });

  it("a score equal to the threshold reaches it", () => {
    const rule: DedupeRule = { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 15 };
    const c = contact({ firstName: "Ann", lastName: "Lee" });
    expect(reachesThreshold(rule, { firstName: "Ann" }, c)).toBe(true);
    expect(reachesThreshold(rule, {}, c)).toBe(false);
  });
});
