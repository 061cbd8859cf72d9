import type {
  ContactIsLinked,
  ContactNotFound,
  DomainNotFound,
  LinkNotFound,
  SyncFailure,
  SyncReport,
  ValidationFailed,
} from "../../domain/index.js";
import type { SourceInvalid, SourceUnavailable } from "../ports/cms-user-source.js";
import type { StoreFailed, StoreUnavailable } from "../ports/store-errors.js";
import type { SyncAlreadyRunning } from "../ports/sync-job-repository.js";

/*
 * The catalogue of every error a use case answers with: plain objects tagged by a literal
 * `kind`. The domain's errors are declared in src/domain, a port's beside the port that
 * answers it; the use cases' own are declared here. Each use case's error type is a union of
 * members of `UseCaseError`, and the HTTP status map and the CLI exit-code map switch over
 * `UseCaseErrorKind` exhaustively: a kind added here and mapped nowhere fails to compile.
 *
 * Not an answer, so not listed: `StaleLocks`, ensure-link's signal to start again with fresh
 * locks, which `retryOnStaleLocks` and `unlessStale` turn into `StoreFailed` before any use case answers.
 */

export type {
  ContactIsLinked,
  ContactNotFound,
  DomainNotFound,
  LinkNotFound,
  ValidationFailed,
} from "../../domain/index.js";
export type { SourceError, SourceInvalid, SourceUnavailable } from "../ports/cms-user-source.js";
export type { StoreError, StoreFailed, StoreUnavailable } from "../ports/store-errors.js";
export type { SyncAlreadyRunning } from "../ports/sync-job-repository.js";

/** No sync job has this id (or the id could never have been given out). */
export interface SyncJobNotFound {
  kind: "SyncJobNotFound";
  message: string;
  jobId: string;
}

export const syncJobNotFound = (jobId: string): SyncJobNotFound => ({
  kind: "SyncJobNotFound",
  message: `Sync job ${jobId} does not exist.`,
  jobId,
});

/**
 * A sync the store stopped part-way (it became unavailable): a `StoreUnavailable` carrying
 * what the run had done, and committed, until then.
 */
export interface SyncInterrupted extends StoreUnavailable {
  done: { report: SyncReport; failures: SyncFailure[] };
}

export type UseCaseError =
  | ValidationFailed
  | DomainNotFound
  | ContactNotFound
  | LinkNotFound
  | ContactIsLinked
  | SyncJobNotFound
  | SyncAlreadyRunning
  | SourceUnavailable
  | SourceInvalid
  | StoreUnavailable
  | StoreFailed;
