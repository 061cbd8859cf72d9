/** The store could not be reached or answered too late: retrying later may work. */
export interface StoreUnavailable {
  kind: "StoreUnavailable";
  message: string;
}

/** The store failed in a way the caller cannot fix (a bug or corrupt data). */
export interface StoreFailed {
  kind: "StoreFailed";
  message: string;
}

export type StoreError = StoreUnavailable | StoreFailed;

/**
 * Adapters reject with this when the store is down; the unit of work turns it into a
 * `StoreUnavailable` value so that no use case ever rejects.
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/**
 * Adapters reject with this when a write broke a uniqueness invariant because of a
 * concurrent writer; the unit of work retries the whole transaction.
 */
export class ConcurrentWriteError extends Error {
  override readonly name = "ConcurrentWriteError";
}

export const storeUnavailable = (message = "The store is unavailable."): StoreUnavailable => ({
  kind: "StoreUnavailable",
  message,
});

export const storeFailed = (message = "The store failed."): StoreFailed => ({
  kind: "StoreFailed",
  message,
});

/** Maps anything an adapter rejected with to an error value. */
export function storeErrorOf(cause: unknown): StoreError {
  if (cause instanceof StoreUnavailableError) return storeUnavailable(cause.message);
  if (cause instanceof ConcurrentWriteError) {
    return storeFailed("The store kept refusing a write because of concurrent writers.");
  }
  return storeFailed();
}
