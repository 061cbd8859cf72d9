import type { Contact } from "./contact.js";
import type { PersonName } from "./person-name.js";

export interface DedupeWeights {
  email: number;
  firstName: number;
  lastName: number;
}

/** A domain's rule for accepting a contact found by email as the same person (§4). */
export interface DedupeRule {
  weights: DedupeWeights;
  threshold: number;
}

/** CiviCRM's shipped "Unsupervised" Individual rule. */
export const DEFAULT_DEDUPE_RULE: DedupeRule = Object.freeze({
  weights: Object.freeze({ email: 10, firstName: 0, lastName: 0 }),
  threshold: 10,
});

const fieldMatches = (a: string | undefined, b: string | undefined): boolean => {
  const left = a?.trim().toLowerCase() ?? "";
  const right = b?.trim().toLowerCase() ?? "";
  return left !== "" && left === right;
};

/**
 * Score of a contact already found through the email key: the email weight plus the weight
 * of each name field that matches (trimmed, case-insensitive; an empty field never matches).
 */
export function dedupeScore(rule: DedupeRule, person: PersonName, contact: Contact): number {
  let score = rule.weights.email;
  if (fieldMatches(person.firstName, contact.firstName)) score += rule.weights.firstName;
  if (fieldMatches(person.lastName, contact.lastName)) score += rule.weights.lastName;
  return score;
}

export const reachesThreshold = (rule: DedupeRule, person: PersonName, contact: Contact): boolean =>
  dedupeScore(rule, person, contact) >= rule.threshold;

/**
 * What a rule makes of every contact found by email, when the names cannot change it:
 * "every" contact reaches the threshold when even one matching no name does, "none" does when
 * even one matching both names misses it; null when the names decide.
 */
export function verdictWithoutNames(rule: DedupeRule): "every" | "none" | null {
  const { email, firstName, lastName } = rule.weights;
  if (email + Math.min(0, firstName) + Math.min(0, lastName) >= rule.threshold) return "every";
  if (email + Math.max(0, firstName) + Math.max(0, lastName) < rule.threshold) return "none";
  return null;
}
