import type { Result } from "neverthrow";
import {
  Email,
  isPositiveId,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import type { StoreError } from "../ports/index.js";

export type { StoreError };

/** Checks the ids a library caller passed; HTTP and CLI callers are checked earlier. */
export function checkIds(ids: Record<string, unknown>): ValidationFailed | null {
  const details = Object.entries(ids)
    .filter(([, value]) => !isPositiveId(value))
    .map(([path]) => ({ path, message: "must be a positive integer" }));
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
