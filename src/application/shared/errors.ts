import type { Result } from "neverthrow";
import {
  Email,
  type IdKind,
  idProblem,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import type { StoreError } from "../ports/index.js";

export type { StoreError };

/** The kind of id each input field holds: its name says it. */
const KIND_OF_ID_FIELD = { domainId: "domain", userId: "user", contactId: "contact" } as const;

export type IdFields = Partial<Record<keyof typeof KIND_OF_ID_FIELD, unknown>>;

/**
 * Checks the ids a library caller passed, each against the range of its kind (the field's
 * name; other fields are left alone); HTTP and CLI callers are checked earlier, against the
 * same ranges.
 */
export function checkIds(ids: IdFields): ValidationFailed | null {
  const fields = Object.keys(KIND_OF_ID_FIELD) as (keyof IdFields)[];
  const details = fields.flatMap((path) => {
    if (!(path in ids)) return [];
    const problem = idProblem(KIND_OF_ID_FIELD[path] satisfies IdKind, ids[path]);
    return problem === null ? [] : [{ path, message: problem }];
  });
  return details.length > 0 ? validationFailed("Invalid id.", details) : null;
}

/** Parses an email a caller gave in the field `path`. */
export function parseEmailField(raw: string, path: string): Result<Email, ValidationFailed> {
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
