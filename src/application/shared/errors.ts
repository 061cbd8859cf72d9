import { err, type Result } from "neverthrow";
import {
  Email,
  type IdKind,
  idProblem,
  textProblem,
  type ValidationFailed,
  type ValidationIssue,
  validationFailed,
} from "../../domain/index.js";

/** The kind of id each input field holds: its name says it. */
const KIND_OF_ID_FIELD = { domainId: "domain", userId: "user", contactId: "contact" } as const;

export type IdFields = Partial<Record<keyof typeof KIND_OF_ID_FIELD, unknown>>;

const ID_FIELDS = Object.keys(KIND_OF_ID_FIELD) as (keyof IdFields)[];

/**
 * Checks the ids a library caller passed, each against the range of its kind (the field's
 * name; other fields are left alone); HTTP and CLI callers are checked earlier, against the
 * same ranges.
 */
export function checkIds(ids: IdFields): ValidationFailed | null {
  const details: ValidationIssue[] = [];
  for (const path of ID_FIELDS) {
    if (!(path in ids)) continue;
    const problem = idProblem(KIND_OF_ID_FIELD[path] satisfies IdKind, ids[path]);
    if (problem !== null) details.push({ path, message: problem });
  }
  return details.length > 0 ? validationFailed("Invalid id.", details) : null;
}

/**
 * Checks every string of a library caller's input, at any depth, against the text rule of
 * `textProblem`, reporting each by its path (`profile.firstName`, `emails.0.email`). HTTP
 * callers are checked earlier, by the same rule.
 */
export function checkTexts(input: unknown): ValidationFailed | null {
  const details: ValidationIssue[] = [];
  const seen = new Set<object>();
  // The keys down to the value: joined into a path only for a string that breaks the rule.
  const keys: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem !== null) details.push({ path: keys.join("."), message: problem });
      return;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      keys.push(key);
      visit((value as Record<string, unknown>)[key]);
      keys.pop();
    }
  };
  visit(input);
  if (details.length === 0) return null;
  return validationFailed(`Invalid ${details.map((issue) => issue.path).join(", ")}.`, details);
}

/** Parses an email a caller gave in the field `path`. */
export function parseEmailField(raw: string, path: string): Result<Email, ValidationFailed> {
  const problem = typeof raw === "string" ? textProblem(raw) : null;
  if (problem !== null)
    return err(validationFailed(`Invalid ${path}.`, [{ path, message: problem }]));
  return Email.parse(raw).mapErr(() =>
    validationFailed(`Invalid ${path}.`, [{ path, message: "must be a valid email address" }]),
  );
}

/** Checks that `value` is one of `allowed`, reported at `path`. */
export function checkOneOf(
  value: unknown,
  allowed: readonly string[],
  path: string,
): ValidationFailed | null {
  if (typeof value === "string" && allowed.includes(value)) return null;
  return validationFailed(`Invalid ${path}.`, [
    { path, message: `must be one of ${allowed.join(", ")}` },
  ]);
}
