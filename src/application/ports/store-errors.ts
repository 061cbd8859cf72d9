/**
 * What a store error came from, for the operator's log (never for a client): the driver's
 * error class, message and code, and where it was thrown.
 */
export interface StoreErrorCause {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** The store could not be reached or answered too late: retrying later may work. */
export interface StoreUnavailable {
  kind: "StoreUnavailable";
  message: string;
  cause?: StoreErrorCause;
}

/** The store failed in a way the caller cannot fix (a bug or corrupt data). */
export interface StoreFailed {
  kind: "StoreFailed";
  message: string;
  cause?: StoreErrorCause;
}

/** Listed, with every other error a use case answers, in `UseCaseError`. */
export type StoreError = StoreUnavailable | StoreFailed;

/**
 * Adapters reject with this when the store is down; the unit of work turns it into a
 * `StoreUnavailable` value so that no use case ever rejects. Its message names the store and
 * says why, in words an operator can act on; `cause` is the driver's error.
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

/**
 * The cause rides along for the operator's log, not enumerable: it never shows in an error
 * value written out as JSON (an answer, a CLI's --json), nor in comparisons of error values.
 */
export function withCause<E extends StoreError>(error: E, cause: StoreErrorCause | undefined): E {
  if (cause) Object.defineProperty(error, "cause", { value: cause, enumerable: false });
  return error;
}

export const storeUnavailable = (
  message = "The store is unavailable.",
  cause?: StoreErrorCause,
): StoreUnavailable => withCause({ kind: "StoreUnavailable", message }, cause);

export const storeFailed = (message = "The store failed.", cause?: StoreErrorCause): StoreFailed =>
  withCause({ kind: "StoreFailed", message }, cause);

/** The log-worthy description of anything thrown: its class, message, code and stack. */
export function causeOf(thrown: unknown): StoreErrorCause {
  if (!(thrown instanceof Error)) return { name: typeof thrown, message: String(thrown) };
  const code = (thrown as { code?: unknown }).code;
  return {
    name: thrown.constructor.name === "Error" ? thrown.name : thrown.constructor.name,
    message: thrown.message,
    ...(typeof code === "string" || typeof code === "number" ? { code: String(code) } : {}),
    ...(thrown.stack ? { stack: thrown.stack } : {}),
  };
}

/** Maps anything an adapter rejected with to an error value, keeping what it came from. */
export function storeErrorOf(thrown: unknown): StoreError {
  const origin = thrown instanceof Error && thrown.cause !== undefined ? thrown.cause : thrown;
  if (thrown instanceof StoreUnavailableError) {
    return storeUnavailable(thrown.message, causeOf(origin));
  }
  if (thrown instanceof ConcurrentWriteError) {
    return storeFailed(
      "The store kept refusing a write because of concurrent writers.",
      causeOf(origin),
    );
  }
  return storeFailed("The store failed.", causeOf(thrown));
}
