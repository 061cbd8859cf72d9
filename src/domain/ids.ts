import { err, ok, type Result } from "neverthrow";

/**
 * Ids are numbers marked with their kind, so that one kind passed where another is expected
 * does not compile (a user id as a contact id, arguments swapped). The mark is optional: a
 * plain number, such as a literal or a value the edges have just parsed, is accepted as any
 * kind; two ids of different kinds never are.
 */
type IdOfKind<K extends string> = number & { readonly __idKind?: K };

export type DomainId = IdOfKind<"domain">;
export type UserId = IdOfKind<"user">;
export type ContactId = IdOfKind<"contact">;

export interface IdKinds {
  domain: DomainId;
  user: UserId;
  contact: ContactId;
}

export type IdKind = keyof IdKinds;

/**
 * The largest id of each kind, the same at every entry (path, query, body, import line, CLI):
 * domain ids are 32-bit integer columns; user and contact ids are 64-bit columns, read as
 * JavaScript numbers, which are exact up to 2^53 − 1. Every id is at least 1 (§1).
 */
export const MAX_ID: Readonly<Record<IdKind, number>> = {
  domain: 2_147_483_647,
  user: Number.MAX_SAFE_INTEGER,
  contact: Number.MAX_SAFE_INTEGER,
};

/** A cursor carries a user id or a sequence number: keys from 1 to this. */
export const MAX_CURSOR_KEY = Number.MAX_SAFE_INTEGER;

const NOT_POSITIVE = "must be a positive integer";

/** Why `value` is not an id of this kind, or null when it is one. */
export function idProblem(kind: IdKind, value: unknown): string | null {
  const positiveWhole =
    typeof value === "number" &&
    value >= 1 &&
    (Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!positiveWhole) return NOT_POSITIVE;
  if (value > MAX_ID[kind]) return `must be at most ${MAX_ID[kind]}`;
  return null;
}

/** Decimal digits without a leading zero: what a path, a query or a command line may give. */
export const DECIMAL_ID = /^[1-9]\d*$/;

/**
 * Reads an id of this kind written in decimal, or says why it is not one. Digits beyond the
 * range read as a number above it (or as Infinity), so they are reported as too large.
 */
export function parseId<K extends IdKind>(kind: K, text: string): Result<IdKinds[K], string> {
  if (!DECIMAL_ID.test(text)) return err(NOT_POSITIVE);
  const id = Number(text);
  const problem = idProblem(kind, id);
  return problem === null ? ok(id as IdKinds[K]) : err(problem);
}

/** Reads a cursor's key (a user id or a sequence number), or null when it is not one. */
export function parseCursorKey(text: string): number | null {
  if (!DECIMAL_ID.test(text)) return null;
  const key = Number(text);
  return key <= MAX_CURSOR_KEY ? key : null;
}
