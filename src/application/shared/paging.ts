import { err, ok, type Result } from "neverthrow";
import { parseCursorKey, type ValidationFailed, validationFailed } from "../../domain/index.js";
import type { Page, PageRequest } from "../ports/index.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** A page as callers see it: an opaque string cursor, null on the last page. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorRequest {
  limit?: number;
  cursor?: string;
}

/**
 * Validates a caller's limit and cursor; a cursor is the decimal key of the last item seen (a
 * user id or a sequence number, from 1 to MAX_CURSOR_KEY).
 */
export function pageRequestOf(input: CursorRequest): Result<PageRequest, ValidationFailed> {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const details = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    details.push({ path: "limit", message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
  }
  const after = input.cursor === undefined ? undefined : parseCursorKey(String(input.cursor));
  if (after === null) {
    details.push({ path: "cursor", message: "is not a cursor this service gave" });
  }
  if (details.length > 0) return err(validationFailed("Invalid paging.", details));
  return ok(after == null ? { limit } : { limit, after });
}

export const cursorPageOf = <T, U = T>(page: Page<T>, map?: (item: T) => U): CursorPage<U> => ({
  items: map ? page.items.map(map) : (page.items as unknown as U[]),
  nextCursor: page.next === null ? null : String(page.next),
});
