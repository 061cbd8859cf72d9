import type { ValidationFailed } from "../../domain/index.js";
import { isPositiveId, validationFailed } from "../../domain/index.js";
import type { StoreError } from "../ports/index.js";

export type { StoreError };

/** Checks the ids a library caller passed; HTTP and CLI callers are checked earlier. */
export function checkIds(ids: Record<string, unknown>): ValidationFailed | null {
  const details = Object.entries(ids)
    .filter(([, value]) => !isPositiveId(value))
    .map(([path]) => ({ path, message: "must be a positive integer" }));
  return details.length > 0 ? validationFailed("Invalid id.", details) : null;
}
