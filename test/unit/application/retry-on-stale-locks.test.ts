import { errAsync, okAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import { STALE_LOCKS } from "../../../src/application/ensure-link/stale-locks.js";
import {
  done,
  type LockAttempt,
  MAX_LOCK_ATTEMPTS,
  retryOnStaleLocks,
  stale,
  staleOnError,
  unlessStale,
} from "../../../src/application/shared/retry-on-stale-locks.js";

describe("retryOnStaleLocks", () => {
  it("answers the first done attempt, each stale one choosing the next attempt's locks", async () => {
    const seen: number[] = [];
    const result = await retryOnStaleLocks(1, (locks: number) => {
      seen.push(locks);
      return okAsync<LockAttempt<string, number>, never>(
        locks < 3 ? stale(locks + 1) : done(`locked ${locks}`),
      );
    });
    expect(result._unsafeUnwrap()).toEqual({ kind: "done", value: "locked 3" });
    expect(seen).toEqual([1, 2, 3]);
  });

  it(`gives up after ${MAX_LOCK_ATTEMPTS} stale attempts, answering the last one`, async () => {
    let attempts = 0;
    const result = await retryOnStaleLocks("first", (locks) => {
      attempts++;
      return okAsync<LockAttempt<never, string>, never>(stale(`${locks}+`));
    });
    expect(MAX_LOCK_ATTEMPTS).toBe(5);
    expect(attempts).toBe(MAX_LOCK_ATTEMPTS);
    expect(result._unsafeUnwrap()).toEqual({ kind: "stale", relock: "first+++++" });
  });

  it("stops at an error", async () => {
    let attempts = 0;
    const result = await retryOnStaleLocks(undefined, () => {
      attempts++;
      return errAsync({ kind: "Refused" });
    });
    expect(result._unsafeUnwrapErr()).toEqual({ kind: "Refused" });
    expect(attempts).toBe(1);
  });
});

describe("staleOnError and unlessStale", () => {
  it("a transaction's StaleLocks error is a stale attempt; its value or other error stay", async () => {
    expect((await staleOnError(errAsync(STALE_LOCKS)))._unsafeUnwrap()).toEqual({
      kind: "stale",
      relock: undefined,
    });
    expect((await staleOnError(okAsync(7)))._unsafeUnwrap()).toEqual({ kind: "done", value: 7 });
    expect((await staleOnError(errAsync({ kind: "Other" })))._unsafeUnwrapErr()).toEqual({
      kind: "Other",
    });
  });

  it("gives a done attempt's value, and StoreFailed with the message after stale ones", async () => {
    const message = "It kept changing; try again.";
    expect((await unlessStale(message)(done(3)))._unsafeUnwrap()).toBe(3);
    expect((await unlessStale(message)(stale(undefined)))._unsafeUnwrapErr()).toEqual({
      kind: "StoreFailed",
      message,
    });
  });
});
