import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type NewSyncJob,
  type OrphanedJobs,
  type Page,
  type PageRequest,
  type StoreError,
  type SyncAlreadyRunning,
  type SyncJob,
  type SyncJobEnding,
  type SyncJobHold,
  type SyncJobKey,
  type SyncJobProgress,
  type SyncJobRepository,
  syncAlreadyRunning,
  syncJobKeyOf,
} from "../../../application/ports/index.js";
import { emptySyncReport } from "../../../domain/index.js";
import { settle } from "../store-runtime.js";
import { copy } from "./memory-state.js";

/**
 * Sync jobs in process memory, beside the tables rather than in them: a dry run's copy of
 * the tables must not take the jobs with it. Each method runs whole before it yields, so
 * "one running job per domain" needs no lock.
 */
export class MemorySyncJobs implements SyncJobRepository {
  private readonly jobs = new Map<string, SyncJob>();

  /** `ensureOnline` throws StoreUnavailableError once the store is closed. */
  constructor(private readonly ensureOnline: () => void) {}

  create(job: NewSyncJob): ResultAsync<SyncJob, SyncAlreadyRunning | StoreError> {
    return this.call((): Result<SyncJob, SyncAlreadyRunning> => {
      const running = this.runningOf(job.domainId);
      if (running) return err(syncAlreadyRunning(job.domainId, running.id));
      const created: SyncJob = {
        ...job,
        status: "running",
        finishedAt: null,
        heartbeatAt: job.startedAt,
        progress: { processed: 0, total: 0 },
        report: emptySyncReport(),
        failures: [],
        message: null,
      };
      this.jobs.set(job.id, copy(created));
      return ok(copy(created));
    });
  }

  /** A job here lives as long as the process: it is held until it ends. */
  recordProgress(
    id: string,
    progress: SyncJobProgress,
    at: Date,
  ): ResultAsync<SyncJobHold, StoreError> {
    return this.call(() => {
      const job = this.jobs.get(id);
      if (job?.status === "running") {
        job.progress = { processed: progress.processed, total: progress.total };
        if (progress.report) job.report = copy(progress.report);
        job.heartbeatAt = new Date(at);
      }
      return ok("held" as const);
    });
  }

  finish(id: string, ending: SyncJobEnding, at: Date): ResultAsync<void, StoreError> {
    return this.call(() => {
      const job = this.jobs.get(id);
      if (job?.status !== "running") return ok(undefined);
      job.status = ending.status;
      job.finishedAt = new Date(at);
      job.heartbeatAt = new Date(at);
      job.message = ending.message;
      if (ending.report) {
        job.report = copy(ending.report);
        job.progress.processed = ending.report.checked;
      }
      if (ending.failures) job.failures = copy(ending.failures);
      if (ending.status === "succeeded") job.progress.total = ending.report.checked;
      return ok(undefined);
    });
  }

  get(id: string): ResultAsync<SyncJob | null, StoreError> {
    return this.call(() => {
      const job = this.jobs.get(id);
      return ok(job ? copy(job) : null);
    });
  }

  list(
    domainId: number,
    page: PageRequest<SyncJobKey>,
  ): ResultAsync<Page<SyncJob, SyncJobKey>, StoreError> {
    return this.call(() => {
      const { after } = page;
      const listed = [...this.jobs.values()]
        .filter((job) => job.domainId === domainId)
        .sort((a, b) => compareKeys(syncJobKeyOf(b), syncJobKeyOf(a)))
        .filter((job) => after === undefined || compareKeys(syncJobKeyOf(job), after) < 0);
      const items = listed.slice(0, page.limit).map(copy);
      const last = items.at(-1);
      return ok({ items, next: listed.length > page.limit && last ? syncJobKeyOf(last) : null });
    });
  }

  /** Only the heartbeat tells here: no session holds a job (nor could another process). */
  failOrphaned(stale: OrphanedJobs): ResultAsync<number, StoreError> {
    return this.call(() => {
      const spared = new Set(stale.exceptIds ?? []);
      let failed = 0;
      for (const job of this.jobs.values()) {
        if (job.status !== "running" || spared.has(job.id)) continue;
        if (job.heartbeatAt.getTime() >= stale.heartbeatBefore.getTime()) continue;
        job.status = "failed";
        job.finishedAt = new Date(stale.at);
        job.message = stale.message;
        failed++;
      }
      return ok(failed);
    });
  }

  private runningOf(domainId: number): SyncJob | undefined {
    for (const job of this.jobs.values()) {
      if (job.domainId === domainId && job.status === "running") return job;
    }
    return undefined;
  }

  private call<T, E = never>(run: () => Result<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      this.ensureOnline();
      return run();
    });
  }
}

/**
 * Orders keys by start time, then by id as UTF-8 bytes (code points), as SQL's `collate "C"`
 * compares them.
 */
function compareKeys(a: SyncJobKey, b: SyncJobKey): number {
  const byTime = a.startedAt.getTime() - b.startedAt.getTime();
  return byTime !== 0 ? byTime : Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
}
