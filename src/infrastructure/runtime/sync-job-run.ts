import type {
  Clock,
  SyncJob,
  SyncJobEnding,
  SyncJobProgress,
  SyncJobRepository,
  SyncJobRun,
  SyncJobTimings,
  SyncJobWork,
  UnitOfWork,
} from "../../application/index.js";
import { PacedUnitOfWork, RunPace } from "./paced-unit-of-work.js";

export type RunTimings = Pick<SyncJobTimings, "progressEveryMs" | "heartbeatEveryMs">;

/**
 * Ending a job is retried, with waits doubling from the first to the last of these, until the
 * store takes it: a run the store stopped ends as soon as the store answers again. A run that
 * was stopped on purpose (shutdown) tries a few times only.
 */
const FINISH_RETRY_MS = 250;
const MAX_FINISH_RETRY_MS = 1_000;
const STOPPED_FINISH_ATTEMPTS = 3;

const UNEXPECTED_MESSAGE = "The sync stopped on an unexpected error.";
const LOST_MESSAGE =
  "The sync stopped: this process no longer held the job (its session with the store ended), so another one may take the domain over.";

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One job's run in the background: its work, its progress and heartbeat, its ending. */
export class JobRun implements SyncJobRun {
  readonly done: Promise<void>;
  readonly uow: UnitOfWork;
  private readonly pace = new RunPace();
  private latest: SyncJobProgress = { processed: 0, total: 0 };
  private written: SyncJobProgress = { processed: 0, total: 0 };
  private lastWriteAt = Date.now();
  private writing: Promise<void> | null = null;

  constructor(
    readonly job: SyncJob,
    work: SyncJobWork,
    uow: UnitOfWork,
    private readonly jobs: SyncJobRepository,
    private readonly clock: Clock,
    private readonly timings: RunTimings,
  ) {
    this.uow = new PacedUnitOfWork(uow, this.pace);
    this.done = this.run(work);
  }

  progress(progress: SyncJobProgress) {
    this.latest = progress;
  }

  get stopped(): string | null {
    return this.pace.stopped;
  }

  /** Ends the run at its next store call. */
  stop(reason: string) {
    this.pace.stop(reason);
  }

  private async run(work: SyncJobWork): Promise<void> {
    const ticker = setInterval(() => this.tick(), this.timings.progressEveryMs);
    let ending: SyncJobEnding;
    try {
      ending = await work(this);
    } catch {
      ending = { status: "failed", message: UNEXPECTED_MESSAGE };
    } finally {
      clearInterval(ticker);
    }
    await this.writing;
    await this.finish(ending);
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
