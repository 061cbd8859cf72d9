import type { SyncJob, SyncJobEnding, SyncJobProgress } from "./sync-job-repository.js";
import type { UnitOfWork } from "./unit-of-work.js";

export interface SyncJobTimings {
  /** Progress reaches the store at most this often while it changes (and once at the end). */
  progressEveryMs: number;
  /** A running job's heartbeat is refreshed at least this often, progress or not. */
  heartbeatEveryMs: number;
  /** A running job without a heartbeat for this long belongs to a process that died. */
  staleAfterMs: number;
}

/** The runner keeps heartbeats well inside the time after which the use case calls a job stale. */
export const SYNC_JOB_TIMINGS: SyncJobTimings = {
  progressEveryMs: 250,
  heartbeatEveryMs: 10_000,
  staleAfterMs: 60_000,
};

/** A job's run as its work sees it. */
export interface SyncJobRun {
  /** The unit of work to run on: once the run is stopped, every call answers StoreUnavailable. */
  readonly uow: UnitOfWork;
  /** Says how far the work got; the runner writes it to the job at its own pace. */
  progress(progress: SyncJobProgress): void;
  /** Why the run was stopped (a shutdown, the job's hold lost), or null while it was not. */
  readonly stopped: string | null;
}

/** What a started job does, and how it ended; a rejection ends the job failed. */
export type SyncJobWork = (run: SyncJobRun) => Promise<SyncJobEnding>;

/**
 * Runs sync jobs in the background of this process, once they were created: the work goes on
 * after the use case answered. While a job runs, the runner writes its progress and keeps its
 * heartbeat fresh (at least every `heartbeatEveryMs`), stops it when the store says this
 * process no longer holds it, and writes its ending when its work ended.
 */
export interface SyncJobRunner {
  start(job: SyncJob, work: SyncJobWork): void;
  /** The jobs started here that have not ended yet. */
  running(): readonly SyncJob[];
  /** Resolves once no job started here is running (at once when none is). */
  whenIdle(): Promise<void>;
  /** Stops every job started here at its next store call; each ends `failed` with `reason`. */
  stopAll(reason: string): void;
}
