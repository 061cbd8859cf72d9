import type { DedupeRule } from "./api-types.js";

type NameField = "first name" | "last name";

/**
 * What a domain's dedupe rule (§4) will match, in one sentence. Candidates are always
 * found through the email first, so the email's weight always counts; the names add theirs.
 */
export function dedupeSentence(rule: DedupeRule): string {
  const { weights, threshold } = rule;
  const names: [NameField, number][] = [
    ["first name", weights.firstName],
    ["last name", weights.lastName],
  ];
  const reaches = (fields: NameField[]) =>
    weights.email +
      names.filter(([field]) => fields.includes(field)).reduce((sum, [, w]) => sum + w, 0) >=
    threshold;
  const score = `score: email ${weights.email}, first name ${weights.firstName}, last name ${weights.lastName}; threshold ${threshold}`;
  if (reaches([])) {
    return `A user is linked to an existing contact that has the user's email (${score}).`;
  }
  const first = reaches(["first name"]);
  const last = reaches(["last name"]);
  let needed: string;
  if (first && last) needed = "and the same first name or the same last name";
  else if (first) needed = "and the same first name";
  else if (last) needed = "and the same last name";
  else if (reaches(["first name", "last name"])) needed = "and the same first and last name";
  else {
    return `No existing contact can reach the threshold, so every user without a link gets a new contact (${score}).`;
  }
  return `A user is linked to an existing contact that has the user's email ${needed}; names are compared trimmed and ignoring case, and an empty name never matches (${score}).`;
}
