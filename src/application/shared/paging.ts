import { err, ok, type Result } from "neverthrow";
import {
  parseCursorKey,
  type ValidationFailed,
  type ValidationIssue,
  validationFailed,
} from "../../domain/index.js";
import type { Page, PageRequest } from "../ports/index.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** How many items a listing gives when the caller does not say, and at most. */
export interface PageBounds {
  defaultLimit: number;
  maxLimit: number;
}

export const LISTING_BOUNDS: PageBounds = {
  defaultLimit: DEFAULT_PAGE_SIZE,
  maxLimit: MAX_PAGE_SIZE,
};

/** A page as callers see it: an opaque string cursor, null on the last page. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorRequest {
  limit?: number;
  cursor?: string;
}

/** How a listing writes its keys as cursors and reads them back (null: not a cursor it gave). */
export interface CursorCodec<K> {
  write(key: K): string;
  read(cursor: string): K | null;
}

/** The decimal key of the last item seen: a user id, a contact id or a sequence number. */
export const DECIMAL_CURSOR: CursorCodec<number> = { write: String, read: parseCursorKey };

/** Validates a caller's limit and cursor. */
export function pageRequestOf(
  input: CursorRequest,
  bounds?: PageBounds,
): Result<PageRequest, ValidationFailed>;
export function pageRequestOf<K>(
  input: CursorRequest,
  bounds: PageBounds,
  cursors: CursorCodec<K>,
): Result<PageRequest<K>, ValidationFailed>;
export function pageRequestOf<K>(
  input: CursorRequest,
  bounds: PageBounds = LISTING_BOUNDS,
  cursors: CursorCodec<K> = DECIMAL_CURSOR as unknown as CursorCodec<K>,
): Result<PageRequest<K>, ValidationFailed> {
  const limit = input.limit ?? bounds.defaultLimit;
  const details: ValidationIssue[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.maxLimit) {
    details.push({ path: "limit", message: `must be an integer from 1 to ${bounds.maxLimit}` });
  }
  const after = input.cursor === undefined ? undefined : cursors.read(String(input.cursor));
  if (after === null) {
    details.push({ path: "cursor", message: "is not a cursor this service gave" });
  }
  if (details.length > 0) return err(validationFailed("Invalid paging.", details));
  return ok(after == null ? { limit } : { limit, after });
}

export function cursorPageOf<T, U = T>(page: Page<T>, map?: (item: T) => U): CursorPage<U>;
export function cursorPageOf<T, K, U = T>(
  page: Page<T, K>,
  map: ((item: T) => U) | undefined,
  cursors: CursorCodec<K>,
): CursorPage<U>;
export function cursorPageOf<T, K, U = T>(
  page: Page<T, K>,
  map?: (item: T) => U,
  cursors: CursorCodec<K> = DECIMAL_CURSOR as unknown as CursorCodec<K>,
): CursorPage<U> {
  return {
    items: map ? page.items.map(map) : (page.items as unknown as U[]),
    nextCursor: page.next === null ? null : cursors.write(page.next),
  };
}
