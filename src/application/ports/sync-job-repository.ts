import type { ResultAsync } from "neverthrow";
import type { DomainId, SyncFailure, SyncReport } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";
import type { StoreError } from "./store-errors.js";

export type SyncJobStatus = "running" | "succeeded" | "failed";

/** A background "Synchronize all users" run (§9) as the store keeps it. */
export interface SyncJob {
  id: string;
  domainId: DomainId;
  status: SyncJobStatus;
  dryRun: boolean;
  startedAt: Date;
  /** Null while running. */
  finishedAt: Date | null;
  /** The last sign of life of the process running it; a job whose heartbeat stops is stale. */
  heartbeatAt: Date;
  progress: { processed: number; total: number };
  /**
   * The counters as of the last progress written while it runs; at the end, the final ones,
   * or, for a run that stopped early, what it had done (and committed) until then.
   */
  report: SyncReport;
  failures: SyncFailure[];
  /** The summary of §9, or why the run failed; null until the job ends. */
  message: string | null;
}

export interface NewSyncJob {
  id: string;
  domainId: DomainId;
  dryRun: boolean;
  startedAt: Date;
}

/** How far a running job got: users processed of the total, and their counters so far. */
export interface SyncJobProgress {
  processed: number;
  total: number;
  /** Absent: the counters recorded before stay as they are. */
  report?: SyncReport;
}

export type SyncJobEnding =
  | { status: "succeeded"; report: SyncReport; failures: SyncFailure[]; message: string }
  | {
      status: "failed";
      message: string;
      /** What the run had done before it stopped; absent: the counters recorded so far. */
      report?: SyncReport;
      failures?: SyncFailure[];
    };

/**
 * Whether the process that created a running job still holds it. A store that ties a job to
 * a live session (PostgreSQL) answers `lost` once that session ended: another process may
 * then take the domain over, and this run must stop.
 */
export type SyncJobHold = "held" | "lost";

/** A domain has at most one running job: the store enforces it, across processes. */
export interface SyncAlreadyRunning {
  kind: "SyncAlreadyRunning";
  message: string;
  domainId: DomainId;
  /** The running job, when the store could still see it. */
  runningJobId: string | null;
}

export const syncAlreadyRunning = (
  domainId: DomainId,
  runningJobId: string | null,
): SyncAlreadyRunning => ({
  kind: "SyncAlreadyRunning",
  message:
    runningJobId === null
      ? `A sync of domain ${domainId} is already running.`
      : `A sync of domain ${domainId} is already running (job ${runningJobId}).`,
  domainId,
  runningJobId,
});

/** Where a job stands in a domain's listing: newest first, ties in descending id order. */
export interface SyncJobKey {
  startedAt: Date;
  id: string;
}

export const syncJobKeyOf = (job: SyncJob): SyncJobKey => ({
  startedAt: job.startedAt,
  id: job.id,
});

/** Which running jobs to end as orphans, and how. */
export interface OrphanedJobs {
  /** A running job whose heartbeat is older than this is an orphan, wherever it runs… */
  heartbeatBefore: Date;
  /** …but never these (jobs this process is running itself). */
  exceptIds?: readonly string[];
  /** finishedAt of the failed jobs. */
  at: Date;
  message: string;
}

/**
 * The sync jobs, outside any unit of work: a job's record must stay visible while it runs,
 * whatever the run does (a dry run discards its own writes, never the job's). Every method
 * answers store failures as values; nothing rejects.
 */
export interface SyncJobRepository {
  /**
   * Inserts a running job (heartbeat at its start, no progress yet) held by this process until
   * it ends, unless its domain has a running job. On PostgreSQL the job is held by a database
   * session of its own, so that the job of a process that died (its session with it) is known
   * at once to have no owner.
   */
  create(job: NewSyncJob): ResultAsync<SyncJob, SyncAlreadyRunning | StoreError>;
  /**
   * Records the progress of a running job and refreshes its heartbeat (ended jobs stay as they
   * are); answers whether this process still holds the job.
   */
  recordProgress(
    id: string,
    progress: SyncJobProgress,
    at: Date,
  ): ResultAsync<SyncJobHold, StoreError>;
  /**
   * Ends a running job and lets it go; a job that already ended (e.g. failed as an orphan)
   * stays as it is. An ending with a report makes the progress `checked` users processed (of
   * `checked` for a succeeded job).
   */
  finish(id: string, ending: SyncJobEnding, at: Date): ResultAsync<void, StoreError>;
  get(id: string): ResultAsync<SyncJob | null, StoreError>;
  /**
   * The domain's jobs, running ones too, newest first (by startedAt, then by id compared
   * character by character, both descending), after the job whose key is `page.after`.
   */
  list(
    domainId: DomainId,
    page: PageRequest<SyncJobKey>,
  ): ResultAsync<Page<SyncJob, SyncJobKey>, StoreError>;
  /**
   * Fails the running jobs whose owner is gone, answering how many: those whose heartbeat
   * stopped, and, on a store that ties jobs to sessions (PostgreSQL), at once those whose
   * session ended (the process running them died or lost its connection).
   */
  failOrphaned(orphans: OrphanedJobs): ResultAsync<number, StoreError>;
}
