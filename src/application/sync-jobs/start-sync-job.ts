import { errAsync, type ResultAsync } from "neverthrow";
import {
  type DomainId,
  type DomainNotFound,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import {
  type Clock,
  type IdGenerator,
  type StoreError,
  SYNC_JOB_TIMINGS,
  type SyncAlreadyRunning,
  type SyncJob,
  type SyncJobEnding,
  type SyncJobRepository,
  type SyncJobRun,
  type SyncJobRunner,
  syncAlreadyRunning,
  type UnitOfWork,
} from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import {
  isSyncInterrupted,
  SynchronizeAllUsers,
  type SynchronizeAllUsersOptions,
} from "../synchronize-all-users/synchronize-all-users.js";

export type { SyncAlreadyRunning };

export interface StartSyncJobInput {
  domainId: DomainId;
  dryRun?: boolean;
}

export type StartSyncJobError = ValidationFailed | DomainNotFound | SyncAlreadyRunning | StoreError;

const ORPHAN_MESSAGE = "The sync stopped: the process running it went away before it finished.";

/**
 * Starts "Synchronize all users" (§9) as a background job and answers the running job
 * at once; the runner goes on with it after `execute` answered. One job runs per domain at a
 * time, across processes (the store enforces it). Running jobs whose owner is gone are failed
 * first and no longer block: at once where the store can tell (a PostgreSQL session ended),
 * else once their heartbeat stopped for `staleAfterMs`.
 */
export class StartSyncJob {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: SyncJobRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly runner: SyncJobRunner,
    private readonly syncOptions: SynchronizeAllUsersOptions = {},
  ) {}

  execute(input: StartSyncJobInput): ResultAsync<SyncJob, StartSyncJobError> {
    const invalid = checkIds({ domainId: input.domainId }) ?? checkDryRun(input.dryRun);
    if (invalid) return errAsync(invalid);
    const { domainId } = input;
    const here = this.runner.running().find((job) => job.domainId === domainId);
    if (here) return errAsync(syncAlreadyRunning(domainId, here.id));
    return this.uow
      .read((stores) => requireDomain(stores, domainId))
      .andThen(() => {
        const at = this.clock.now();
        return this.jobs.failOrphaned({
          heartbeatBefore: new Date(at.getTime() - SYNC_JOB_TIMINGS.staleAfterMs),
          exceptIds: this.runner.running().map((job) => job.id),
          at,
          message: ORPHAN_MESSAGE,
        });
      })
      .andThen(() =>
        this.jobs.create({
          id: this.ids.newId(),
          domainId,
          dryRun: input.dryRun === true,
          startedAt: this.clock.now(),
        }),
      )
      .map((job) => {
        this.runner.start(job, (run) => this.synchronize(job, run));
        return job;
      });
  }

  /** Resolves once no job started here is running (at once when none is). */
  whenIdle(): Promise<void> {
    return this.runner.whenIdle();
  }

  /**
   * Stops every job started here at its next user; each ends `failed` with `reason`.
   * For a shutdown that cannot wait for them: await `whenIdle()` afterwards.
   */
  stopAll(reason: string) {
    this.runner.stopAll(reason);
  }

  /** How many jobs started here are running. */
  get runningCount(): number {
    return this.runner.running().length;
  }

  /** The job's work: the sync, and its ending with what it had done when it could not finish. */
  private async synchronize(job: SyncJob, run: SyncJobRun): Promise<SyncJobEnding> {
    const result = await new SynchronizeAllUsers(run.uow, this.clock, this.syncOptions).execute({
      domainId: job.domainId,
      dryRun: job.dryRun,
      onProgress: ({ processed, total }, report) => run.progress({ processed, total, report }),
    });
    if (result.isOk()) {
      const { report, failures, message } = result.value;
      return { status: "succeeded", report, failures, message };
    }
    const message = run.stopped ?? `The sync could not finish: ${result.error.message}`;
    return isSyncInterrupted(result.error)
      ? { status: "failed", message, ...result.error.done }
      : { status: "failed", message };
  }
}

function checkDryRun(dryRun: unknown): ValidationFailed | null {
  if (dryRun === undefined || typeof dryRun === "boolean") return null;
  return validationFailed("Invalid dryRun.", [{ path: "dryRun", message: "must be a boolean" }]);
}
