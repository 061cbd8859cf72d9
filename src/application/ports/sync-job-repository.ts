import type { ResultAsync } from "neverthrow";
import type { DomainId, SyncFailure, SyncReport } from "../../domain/index.js";
import type { StoreError } from "./store-errors.js";

export type SyncJobStatus = "running" | "succeeded" | "failed";

/** A background "Synchronize all users" run (SPEC §9) as the store keeps it. */
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
  /** Empty counters until the job succeeds. */
  report: SyncReport;
  failures: SyncFailure[];
  /** The summary of SPEC §9, or why the run failed; null until the job ends. */
  message: string | null;
}

export interface NewSyncJob {
  id: string;
  domainId: DomainId;
  dryRun: boolean;
  startedAt: Date;
}

export type SyncJobEnding =
  | { status: "succeeded"; report: SyncReport; failures: SyncFailure[]; message: string }
  | { status: "failed"; message: string };

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

export interface StaleJobs {
  /** Running jobs whose heartbeat is older than this are failed… */
  heartbeatBefore: Date;
  /** …except these (jobs this process is running itself). */
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
  /** Inserts a running job (heartbeat at its start, no progress yet), unless its domain has one. */
  create(job: NewSyncJob): ResultAsync<SyncJob, SyncAlreadyRunning | StoreError>;
  /** Records the progress of a running job and refreshes its heartbeat; ended jobs stay as they are. */
  recordProgress(
    id: string,
    progress: { processed: number; total: number },
    at: Date,
  ): ResultAsync<void, StoreError>;
  /**
   * Ends a running job; a job that already ended (e.g. failed as stale) stays as it is.
   * A succeeded job's progress becomes `checked` of `checked`.
   */
  finish(id: string, ending: SyncJobEnding, at: Date): ResultAsync<void, StoreError>;
  get(id: string): ResultAsync<SyncJob | null, StoreError>;
  /** Fails the running jobs of processes that died; answers how many it failed. */
  failStale(stale: StaleJobs): ResultAsync<number, StoreError>;
}
