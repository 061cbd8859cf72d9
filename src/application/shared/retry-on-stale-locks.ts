import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { isStaleLocks, type StaleLocks } from "../ensure-link/stale-locks.js";
import { type StoreFailed, storeFailed } from "../ports/index.js";

export const MAX_LOCK_ATTEMPTS = 5;

/**
 * What one attempt under locks chosen beforehand gave: its value, or, when the locks turned
 * out not to cover what it found, the locks the next attempt must choose from.
 */
export type LockAttempt<T, L> = { kind: "done"; value: T } | { kind: "stale"; relock: L };

export const done = <T>(value: T): { kind: "done"; value: T } => ({ kind: "done", value });

export const stale = <L>(relock: L): { kind: "stale"; relock: L } => ({ kind: "stale", relock });

/**
 * Runs `attempt` with `locks`, then again with the locks each stale attempt asks for, at most
 * `MAX_LOCK_ATTEMPTS` times in all; answers the first "done", or the last "stale" when every
 * attempt was. Locks are chosen from a read made before a transaction takes them: when what
 * they are chosen from changes in between, the transaction finds them short and gives up.
 */
export function retryOnStaleLocks<T, L, E>(
  locks: L,
  attempt: (locks: L) => ResultAsync<LockAttempt<T, L>, E>,
): ResultAsync<LockAttempt<T, L>, E> {
  const run = (current: L, attempts: number): ResultAsync<LockAttempt<T, L>, E> =>
    attempt(current).andThen((result) =>
      result.kind === "stale" && attempts < MAX_LOCK_ATTEMPTS
        ? run(result.relock, attempts + 1)
        : okAsync(result),
    );
  return run(locks, 1);
}

/**
 * A transaction that gives up with `StaleLocks` (an error, so that it rolls back whatever it
 * wrote) as a stale attempt, whose next try chooses its locks again from scratch.
 */
export function staleOnError<T, E extends { kind: string }>(
  transaction: ResultAsync<T, E | StaleLocks>,
): ResultAsync<LockAttempt<T, undefined>, Exclude<E, StaleLocks>> {
  return transaction
    .map((value): LockAttempt<T, undefined> => done(value))
    .orElse((error) =>
      isStaleLocks(error) ? okAsync(stale(undefined)) : errAsync(error as Exclude<E, StaleLocks>),
    );
}

/** The value of a "done" attempt; `StoreFailed` with `message` when every attempt was stale. */
export const unlessStale =
  (message: string) =>
  <T, L>(result: LockAttempt<T, L>): ResultAsync<T, StoreFailed> =>
    result.kind === "done" ? okAsync(result.value) : errAsync(storeFailed(message));
