import { err, errAsync, ok, type Result, ResultAsync } from "neverthrow";
import {
  type CmsUser,
  countOutcome,
  type Domain,
  type DomainId,
  type DomainNotFound,
  emptySyncReport,
  type Outcome,
  type SyncFailure,
  type SyncReport,
  syncSummary,
  type ValidationFailed,
} from "../../domain/index.js";
import { ensureLink, ensureLinkLocks } from "../ensure-link/ensure-link.js";
import { ensureLinkBatch, ensureLinkBatchLocks } from "../ensure-link/ensure-link-batch.js";
import { emailKeyLockedIn, locksCover, MAX_LOCK_ATTEMPTS } from "../ensure-link/stale-locks.js";
import { type Clock, type StoreError, type UnitOfWork, withCause } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import type { SyncInterrupted } from "../shared/use-case-error.js";

export interface SyncProgress {
  processed: number;
  total: number;
}

export interface SynchronizeAllUsersInput {
  domainId: DomainId;
  dryRun?: boolean;
  /**
   * Called after every user (on the set-based path, for each user of a batch once the batch
   * is done) with the counters so far; an exception it throws is ignored.
   */
  onProgress?: (progress: SyncProgress, report: SyncReport) => void;
}

export interface SyncResult {
  domainId: DomainId;
  dryRun: boolean;
  report: SyncReport;
  failures: SyncFailure[];
  /** The summary of SPEC §9. */
  message: string;
}

export type SynchronizeAllUsersError =
  | ValidationFailed
  | DomainNotFound
  | StoreError
  | SyncInterrupted;

type RunError = DomainNotFound | StoreError | SyncInterrupted;

/** Whether a sync's error says what the run had done before the store stopped it. */
export const isSyncInterrupted = (error: SynchronizeAllUsersError): error is SyncInterrupted =>
  "done" in error;

const VANISHED = "The user was deleted during the sync.";

export interface SynchronizeAllUsersOptions {
  /** Users per set-based batch, each batch one transaction (default 1,000). */
  batchSize?: number;
  /** False: user by user even on a store offering set-based batches (differential tests). */
  setBased?: boolean;
}

const PAGE_SIZE = 1000;

/**
 * Users per set-based batch. A batch locks its users and their email keys (up to twice this
 * many keys) for one short transaction: far below PostgreSQL's shared lock table, while its
 * handful of statements per batch stay cheap next to the rows they write.
 */
export const DEFAULT_SYNC_BATCH_SIZE = 1000;

/**
 * "Synchronize Users to Contacts" (SPEC §9): every user of the domain's directory, in userId
 * order, through ensure-link with trigger `sync`, under the same locks as a login, so that
 * live logins stay correct during a run. A failing user is counted and the run goes on; only
 * a store that went away stops it. A dry run makes the same decisions through a unit of work
 * whose writes are thrown away.
 *
 * On a store offering set-based batch work (`Stores.bulk`), each keyset page of the directory
 * is one batch: one transaction holding the locks of all its users and email keys, deciding
 * through `ensureLinkBatch` what ensure-link user by user would. A batch that fails for any
 * reason but an unavailable store is run again user by user, so that one bad user is counted
 * as failed with its reason and the others are linked.
 */
export class SynchronizeAllUsers {
  private readonly options: Required<SynchronizeAllUsersOptions>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    options: SynchronizeAllUsersOptions = {},
  ) {
    const batchSize = options.batchSize ?? DEFAULT_SYNC_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, not ${batchSize}.`);
    }
    this.options = { batchSize, setBased: options.setBased ?? true };
  }

  execute(input: SynchronizeAllUsersInput): ResultAsync<SyncResult, SynchronizeAllUsersError> {
    const invalid = checkIds({ domainId: input.domainId });
    if (invalid) return errAsync(invalid);
    const dryRun = input.dryRun === true;
    const run = (uow: UnitOfWork) => new SyncRun(uow, this.clock, input, this.options).run();
    const result = dryRun
      ? this.uow.discarding(run)
      : ResultAsync.fromSafePromise(run(this.uow)).andThen((outcome) => outcome);
    return result.map(({ report, failures }) => ({
      domainId: input.domainId,
      dryRun,
      report,
      failures,
      message: syncSummary(report),
    }));
  }
}

class SyncRun {
  private report = emptySyncReport();
  private readonly failures: SyncFailure[] = [];

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly input: SynchronizeAllUsersInput,
    private readonly options: Required<SynchronizeAllUsersOptions>,
  ) {}

  async run(): Promise<Result<{ report: SyncReport; failures: SyncFailure[] }, RunError>> {
    const start = await this.uow.read(
      async (
        stores,
      ): Promise<Result<{ domain: Domain; total: number; bulk: boolean }, RunError>> => {
        const domain = await requireDomain(stores, this.input.domainId);
        if (domain.isErr()) return err(domain.error);
        return ok({
          domain: domain.value,
          total: await stores.users.count(this.input.domainId),
          bulk: stores.bulk !== undefined,
        });
      },
    );
    if (start.isErr()) return err(start.error);
    const { domain, total } = start.value;
    const setBased = this.options.setBased && start.value.bulk;
    const limit = setBased ? this.options.batchSize : PAGE_SIZE;
    const readPage = (after: number | null) =>
      this.uow.read(async (stores) =>
        ok(await stores.users.list(domain.id, after === null ? { limit } : { limit, after })),
      );
    let page = await readPage(null);
    for (;;) {
      if (page.isErr()) return err(page.error);
      const { items, next } = page.value;
      // The next page is read while this one is worked: its own locks are taken only after.
      const following = next === null ? null : readPage(next);
      const stopped = setBased
        ? await this.syncBatch(domain, items, total)
        : await this.syncUserByUser(domain, items, total);
      if (stopped) {
        await following;
        return err(this.interrupted(stopped));
      }
      if (!following) break;
      page = await following;
      if (page.isErr()) return err(this.interrupted(page.error));
    }
    return ok({ report: this.report, failures: this.failures });
  }

  /** The error that stopped the run, with what the run had done by then when it is unavailability. */
  private interrupted(stopped: StoreError): StoreError | SyncInterrupted {
    if (stopped.kind !== "StoreUnavailable") return stopped;
    return withCause(
      { ...stopped, done: { report: this.report, failures: [...this.failures] } },
      stopped.cause,
    );
  }

  private async syncUserByUser(
    domain: Domain,
    users: readonly CmsUser[],
    total: number,
  ): Promise<StoreError | null> {
    for (const user of users) {
      const stopped = await this.syncUser(domain, user);
      if (stopped) return stopped;
      this.reportProgress(total);
    }
    return null;
  }

  /**
   * One page of the directory in one transaction through the store's set-based batch work.
   * The users are read again under the batch's locks; when one of them changed its email to
   * a key the locks miss, the batch starts again with locks that cover it. A batch that
   * cannot finish runs user by user instead.
   */
  private async syncBatch(
    domain: Domain,
    listed: readonly CmsUser[],
    total: number,
  ): Promise<StoreError | null> {
    if (listed.length === 0) return null;
    const userIds = listed.map((user) => user.userId);
    let lockFor: readonly CmsUser[] = listed;
    for (let attempt = 1; attempt <= MAX_LOCK_ATTEMPTS; attempt++) {
      const locks = ensureLinkBatchLocks(lockFor);
      const result = await this.uow.transaction(
        locks,
        async (
          stores,
        ): Promise<
          Result<
            { users: CmsUser[]; outcomes: Outcome[] } | { changed: CmsUser[] } | "unsupported",
            never
          >
        > => {
          const bulk = stores.bulk;
          if (!bulk) return ok("unsupported");
          const { users, links } = await bulk.usersWithLinks(domain.id, userIds);
          if (!users.every(emailKeyLockedIn(locks))) return ok({ changed: users });
          const outcomes = await ensureLinkBatch(bulk, {
            domain,
            users,
            links,
            trigger: "sync",
            now: this.clock.now(),
          });
          return ok({ users, outcomes });
        },
      );
      if (result.isErr() && result.error.kind === "StoreUnavailable") return result.error;
      if (result.isErr() || result.value === "unsupported") break;
      const value = result.value;
      if ("changed" in value) {
        lockFor = [...listed, ...value.changed];
        continue;
      }
      const outcomeOf = new Map(
        value.users.map((user, index) => [user.userId, value.outcomes[index] as Outcome]),
      );
      for (const user of listed) {
        const outcome = outcomeOf.get(user.userId);
        if (outcome) this.report = countOutcome(this.report, outcome.outcome);
        else this.fail(user, VANISHED);
        this.reportProgress(total);
      }
      return null;
    }
    return this.syncUserByUser(domain, listed, total);
  }

  /** Progress is for display only: a callback that throws does not stop the run. */
  private reportProgress(total: number) {
    try {
      this.input.onProgress?.(
        { processed: this.report.checked, total: Math.max(total, this.report.checked) },
        this.report,
      );
    } catch {
      // deliberately ignored, see above
    }
  }

  /** Counts the user's outcome; answers the error that must stop the run, if any. */
  private async syncUser(domain: Domain, listed: CmsUser): Promise<StoreError | null> {
    let user = listed;
    for (let attempt = 1; attempt <= MAX_LOCK_ATTEMPTS; attempt++) {
      const locks = ensureLinkLocks(user);
      const result = await this.uow.transaction(
        locks,
        async (
          stores,
        ): Promise<Result<Outcome | { vanished: true } | { changed: CmsUser }, never>> => {
          const current = await stores.users.get(domain.id, user.userId);
          if (!current) return ok({ vanished: true });
          if (!locksCover(locks, current)) return ok({ changed: current });
          return ok(
            await ensureLink(stores, {
              domain,
              user: current,
              trigger: "sync",
              now: this.clock.now(),
            }),
          );
        },
      );
      if (result.isErr()) {
        if (result.error.kind === "StoreUnavailable") return result.error;
        this.fail(user, result.error.message);
        return null;
      }
      const value = result.value;
      if ("vanished" in value) {
        this.fail(user, VANISHED);
        return null;
      }
      if ("changed" in value) {
        user = value.changed;
        continue;
      }
      this.report = countOutcome(this.report, value.outcome);
      return null;
    }
    this.fail(user, "The user's email kept changing during the sync.");
    return null;
  }

  private fail(user: CmsUser, reason: string) {
    this.report = countOutcome(this.report, "failed");
    this.failures.push({ userId: user.userId, reason });
  }
}
