import { err, type Result, ResultAsync } from "neverthrow";
import {
  ConcurrentWriteError,
  type StoreError,
  type SyncJobRepository,
  storeErrorOf,
  type UnitOfWork,
} from "../../application/ports/index.js";

/** A store as the process that runs it sees it: the unit of work, plus its lifecycle. */
export interface StoreRuntime extends UnitOfWork {
  /** The background sync jobs, kept outside the units of work (they outlive a dry run's). */
  readonly syncJobs: SyncJobRepository;
  /** Brings the schema up to date and creates the default domains (start, `migrate`). */
  prepare(): ResultAsync<void, StoreError>;
  /** Whether the store answers now (readiness). */
  ping(): Promise<boolean>;
  /** Releases connections and files; the store answers StoreUnavailable afterwards. */
  close(): Promise<void>;
}

/** How many times a transaction runs when it keeps losing races on uniqueness invariants. */
export const MAX_TRANSACTION_ATTEMPTS = 8;

/**
 * Turns a rejection, or a throw before the first await, into an error value, so that no
 * caller ever sees one. `translate` maps driver errors to the port's error classes first.
 */
export function settle<T, E>(
  run: () => Promise<Result<T, E>>,
  translate: (cause: unknown) => unknown = (cause) => cause,
): ResultAsync<T, E | StoreError> {
  return new ResultAsync(
    Promise.resolve()
      .then(run)
      .catch((cause: unknown) => err<T, E | StoreError>(storeErrorOf(translate(cause)))),
  );
}

/** Runs `attempt` again while it rejects with `ConcurrentWriteError` (after `translate`). */
export async function retryOnConcurrentWrites<T>(
  attempt: () => Promise<T>,
  translate: (cause: unknown) => unknown = (cause) => cause,
): Promise<T> {
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (cause) {
      const translated = translate(cause);
      if (!(translated instanceof ConcurrentWriteError) || attempts >= MAX_TRANSACTION_ATTEMPTS) {
        throw translated;
      }
    }
  }
}
