import {
  type Clock,
  SYNC_JOB_TIMINGS,
  type SyncJob,
  type SyncJobRepository,
  type SyncJobRunner,
  type SyncJobWork,
  type UnitOfWork,
} from "../../application/index.js";
import { JobRun, type RunTimings } from "./sync-job-run.js";

/**
 * Runs sync jobs on this process's event loop, each on a paced unit of work that hands the
 * loop back every few milliseconds, and keeps them until they ended (for a shutdown to wait
 * for them, or stop them).
 */
export class InProcessSyncJobRunner implements SyncJobRunner {
  private readonly runs = new Map<string, JobRun>();
  private readonly timings: RunTimings;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: SyncJobRepository,
    private readonly clock: Clock,
    timings: Partial<RunTimings> = {},
  ) {
    this.timings = { ...SYNC_JOB_TIMINGS, ...timings };
  }

  start(job: SyncJob, work: SyncJobWork) {
    const run = new JobRun(job, work, this.uow, this.jobs, this.clock, this.timings);
    this.runs.set(job.id, run);
    void run.done.finally(() => this.runs.delete(job.id));
  }

  running(): readonly SyncJob[] {
    return [...this.runs.values()].map((run) => run.job);
  }

  async whenIdle(): Promise<void> {
    while (this.runs.size > 0) await Promise.all([...this.runs.values()].map((run) => run.done));
  }

  stopAll(reason: string) {
    for (const run of this.runs.values()) run.stop(reason);
  }
}
