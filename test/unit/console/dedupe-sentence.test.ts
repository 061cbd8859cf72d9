import { describe, expect, it } from "vitest";
import { dedupeSentence } from "../../../console/src/dedupe-sentence.js";

const rule = (email: number, firstName: number, lastName: number, threshold: number) => ({
  weights: { email, firstName, lastName },
  threshold,
});

describe("the console's sentence for a dedupe rule", () => {
  it("says the default rule matches by email alone", () => {
    expect(dedupeSentence(rule(10, 0, 0, 10))).toBe(
      "A user is linked to an existing contact that has the user's email (score: email 10, first name 0, last name 0; threshold 10).",
    );
  });

  it.each([
    [rule(10, 5, 5, 20), "and the same first and last name;"],
    [rule(10, 10, 0, 15), "and the same first name;"],
    [rule(10, 0, 10, 20), "and the same last name;"],
    [rule(10, 5, 5, 15), "and the same first name or the same last name;"],
  ])("names the names a rule needs besides the email: %o", (given, needed) => {
    expect(dedupeSentence(given)).toContain(`has the user's email ${needed}`);
  });

  it("says when no contact can ever reach the threshold", () => {
    expect(dedupeSentence(rule(10, 5, 5, 30))).toMatch(
      /^No existing contact can reach the threshold, so every user without a link gets a new contact/,
    );
  });
});
