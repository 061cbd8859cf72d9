import { errAsync, type ResultAsync } from "neverthrow";
import {
  type DomainId,
  type DomainNotFound,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import {
  type Clock,
  type StoreError,
  type SyncAlreadyRunning,
  type SyncJob,
  type SyncJobEnding,
  type SyncJobProgress,
  type SyncJobRepository,
  syncAlreadyRunning,
  type UnitOfWork,
} from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import {
  isSyncInterrupted,
  SynchronizeAllUsers,
} from "../synchronize-all-users/synchronize-all-users.js";
import { PacedUnitOfWork, RunPace } from "./paced-unit-of-work.js";

export type { SyncAlreadyRunning };

export interface StartSyncJobInput {
  domainId: DomainId;
  dryRun?: boolean;
}

export type StartSyncJobError = ValidationFailed | DomainNotFound | SyncAlreadyRunning | StoreError;

export interface SyncJobTimings {
  /** Progress reaches the store at most this often while it changes (and once at the end). */
  progressEveryMs: number;
  /** A running job's heartbeat is refreshed at least this often, progress or not. */
  heartbeatEveryMs: number;
  /** A running job without a heartbeat for this long belongs to a process that died. */
  staleAfterMs: number;
}

export const SYNC_JOB_TIMINGS: SyncJobTimings = {
  progressEveryMs: 250,
  heartbeatEveryMs: 10_000,
  staleAfterMs: 60_000,
};

/**
 * Ending a job is retried, with waits doubling from the first to the last of these, until the
 * store takes it: a run the store stopped ends as soon as the store answers again. A run that
 * was stopped on purpose (shutdown) tries a few times only.
 */
const FINISH_RETRY_MS = 250;
const MAX_FINISH_RETRY_MS = 1_000;
const STOPPED_FINISH_ATTEMPTS = 3;

const ORPHAN_MESSAGE = "The sync stopped: the process running it went away before it finished.";
const LOST_MESSAGE =
  "The sync stopped: this process no longer held the job (its session with the store ended), so another one may take the domain over.";

/**
 * Starts "Synchronize all users" (SPEC §9) as a background job and answers the running job
 * at once. The run goes on after `execute` answered: its progress and counters reach the job
 * record at most every `progressEveryMs`, and its end (the report, or why it could not finish
 * with what it had done until then) when it ends. One job runs per domain at a time, across
 * processes (the store enforces it). Running jobs whose owner is gone are failed first and no
 * longer block: at once where the store can tell (a PostgreSQL session ended), else once their
 * heartbeat stopped for `staleAfterMs`.
 */
export class StartSyncJob {
  private readonly runs = new Map<string, JobRun>();
  private readonly timings: SyncJobTimings;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: SyncJobRepository,
    private readonly clock: Clock,
    timings: Partial<SyncJobTimings> = {},
  ) {
    this.timings = { ...SYNC_JOB_TIMINGS, ...timings };
  }

  execute(input: StartSyncJobInput): ResultAsync<SyncJob, StartSyncJobError> {
    const invalid = checkIds({ domainId: input.domainId }) ?? checkDryRun(input.dryRun);
    if (invalid) return errAsync(invalid);
    const { domainId } = input;
    const here = [...this.runs.values()].find((run) => run.job.domainId === domainId);
    if (here) return errAsync(syncAlreadyRunning(domainId, here.job.id));
    return this.uow
      .read((stores) => requireDomain(stores, domainId))
      .andThen(() => {
        const now = this.clock.now();
        return this.jobs.failOrphaned({
          heartbeatBefore: new Date(now.getTime() - this.timings.staleAfterMs),
          exceptIds: [...this.runs.keys()],
          at: now,
          message: ORPHAN_MESSAGE,
        });
      })
      .andThen(() =>
        this.jobs.create({
          id: crypto.randomUUID(),
          domainId,
          dryRun: input.dryRun === true,
          startedAt: this.clock.now(),
        }),
      )
      .map((job) => {
        this.launch(job);
        return job;
      });
  }

  /** Resolves once no job started here is running (at once when none is). */
  async whenIdle(): Promise<void> {
    while (this.runs.size > 0) await Promise.all([...this.runs.values()].map((run) => run.done));
  }

  /**
   * Stops every job started here at its next user; each ends `failed` with `reason`.
   * For a shutdown that cannot wait for them: await `whenIdle()` afterwards.
   */
  stopAll(reason: string) {
    for (const run of this.runs.values()) run.pace.stop(reason);
  }

  /** How many jobs started here are running. */
  get runningCount(): number {
    return this.runs.size;
  }

  private launch(job: SyncJob) {
    const run = new JobRun(job, this.uow, this.jobs, this.clock, this.timings);
    this.runs.set(job.id, run);
    void run.done.finally(() => this.runs.delete(job.id));
  }
}

function checkDryRun(dryRun: unknown): ValidationFailed | null {
  if (dryRun === undefined || typeof dryRun === "boolean") return null;
  return validationFailed("Invalid dryRun.", [{ path: "dryRun", message: "must be a boolean" }]);
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One job's run in the background: the sync, its progress and heartbeat, its ending. */
class JobRun {
  readonly pace = new RunPace();
  readonly done: Promise<void>;
  private latest: SyncJobProgress = { processed: 0, total: 0 };
  private written: SyncJobProgress = { processed: 0, total: 0 };
  private lastWriteAt = Date.now();
  private writing: Promise<void> | null = null;

  constructor(
    readonly job: SyncJob,
    private readonly uow: UnitOfWork,
    private readonly jobs: SyncJobRepository,
    private readonly clock: Clock,
    private readonly timings: SyncJobTimings,
  ) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const ticker = setInterval(() => this.tick(), this.timings.progressEveryMs);
    let ending: SyncJobEnding;
    try {
      ending = await this.sync();
    } catch {
      ending = { status: "failed", message: "The sync stopped on an unexpected error." };
    } finally {
      clearInterval(ticker);
    }
    await this.writing;
    await this.finish(ending);
  }

  private async sync(): Promise<SyncJobEnding> {
    const synchronize = new SynchronizeAllUsers(
      new PacedUnitOfWork(this.uow, this.pace),
      this.clock,
    );
    const result = await synchronize.execute({
      domainId: this.job.domainId,
      dryRun: this.job.dryRun,
      onProgress: ({ processed, total }, report) => {
        this.latest = { processed, total, report };
      },
    });
    if (result.isOk()) {
      const { report, failures, message } = result.value;
      return { status: "succeeded", report, failures, message };
    }
    const message = this.pace.stopped ?? `The sync could not finish: ${result.error.message}`;
    return isSyncInterrupted(result.error)
      ? { status: "failed", message, ...result.error.done }
      : { status: "failed", message };
  }

  /** Writes the latest progress when it changed, or when the heartbeat is due; one write at a time. */
  private tick() {
    if (this.writing) return;
    const progress = this.latest;
    const changed =
      progress.processed !== this.written.processed || progress.total !== this.written.total;
    if (!changed && Date.now() - this.lastWriteAt < this.timings.heartbeatEveryMs) return;
    this.lastWriteAt = Date.now();
    this.writing = (async () => {
      const result = await this.jobs.recordProgress(this.job.id, progress, this.clock.now());
      if (result.isOk()) this.written = progress;
      if (result.isOk() && result.value === "lost") this.pace.stop(LOST_MESSAGE);
      this.writing = null;
    })();
  }

  /** Until the store takes the ending; a run stopped on purpose tries a few times only. */
  private async finish(ending: SyncJobEnding) {
    let delay = FINISH_RETRY_MS;
    for (let stoppedAttempts = 0; ; ) {
      const result = await this.jobs.finish(this.job.id, ending, this.clock.now());
      if (result.isOk()) return;
      if (this.pace.stopped !== null && ++stoppedAttempts >= STOPPED_FINISH_ATTEMPTS) return;
      await wait(delay);
      delay = Math.min(2 * delay, MAX_FINISH_RETRY_MS);
    }
  }
}
