import { err, errAsync, ok, okAsync, type Result, ResultAsync } from "neverthrow";
import {
  type CmsUser,
  countOutcome,
  type Domain,
  type DomainId,
  type DomainNotFound,
  type EnsureLinkOutcome,
  emptySyncReport,
  policyFor,
  type SyncFailure,
  type SyncReport,
  syncSummary,
  type UserId,
  type ValidationFailed,
} from "../../domain/index.js";
import { ensureLinkLocks, ensureLinks } from "../ensure-link/ensure-link.js";
import { emailKeyLockedIn } from "../ensure-link/stale-locks.js";
import { type Clock, type StoreError, type UnitOfWork, withCause } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import {
  done,
  type LockAttempt,
  retryOnStaleLocks,
  stale,
} from "../shared/retry-on-stale-locks.js";
import type { SyncInterrupted } from "../shared/use-case-error.js";
import { listedLocks, listedUsersOf } from "./listed-users.js";

export interface SyncProgress {
  processed: number;
  total: number;
}

export interface SynchronizeAllUsersInput {
  domainId: DomainId;
  dryRun?: boolean;
  /**
   * Called for every user, once its batch is done, with the counters so far; an exception it
   * throws is ignored.
   */
  onProgress?: (progress: SyncProgress, report: SyncReport) => void;
}

export interface SyncResult {
  domainId: DomainId;
  dryRun: boolean;
  report: SyncReport;
  failures: SyncFailure[];
  /** The summary of §9. */
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
  /** Users per batch, each batch one transaction (default 1,000). */
  batchSize?: number;
  /**
   * Whether a store that can decide a batch itself (`Stores.decided`) does (default true);
   * false keeps every decision in `ensureLinks`, the reference the store must equal.
   */
  decideInStore?: boolean;
}

type RunOptions = Required<SynchronizeAllUsersOptions>;

/**
 * Users per batch. A batch locks its users and their email keys (up to twice this many keys)
 * for one short transaction: far below PostgreSQL's shared lock table, while its handful of
 * statements per batch stay cheap next to the rows they write.
 */
export const DEFAULT_SYNC_BATCH_SIZE = 1000;

/**
 * The most users a batch may have: two syncs of batches this size lock at most about 5,100 of
 * PostgreSQL's 6,400 default lock slots (every key maps to one of 4,096 advisory-lock buckets),
 * and larger batches hold live logins up longer without syncing faster.
 */
export const MAX_SYNC_BATCH_SIZE = 2000;

const KEPT_CHANGING = "The user's email kept changing during the sync.";

/**
 * "Synchronize Users to Contacts" (§9): every user of the domain's directory, in userId
 * order, through ensure-link with trigger `sync`, under the same locks as a login, so that
 * live logins stay correct during a run. A failing user is counted and the run goes on; only
 * a store that went away stops it. A dry run makes the same decisions through a unit of work
 * whose writes are thrown away.
 *
 * Each keyset page of the directory is one batch: one transaction holding the locks of all
 * its users and email keys, deciding through `ensureLinks` what ensure-link user by user
 * would. A batch that fails for any reason but an unavailable store is run again user by
 * user, so that one bad user is counted as failed with its reason and the others are linked.
 */
export class SynchronizeAllUsers {
  private readonly options: RunOptions;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    options: SynchronizeAllUsersOptions = {},
  ) {
    const batchSize = options.batchSize ?? DEFAULT_SYNC_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, not ${batchSize}.`);
    }
    this.options = { batchSize, decideInStore: options.decideInStore ?? true };
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

/** The outcome of each user of a batch still in the directory. */
type BatchDone = Map<UserId, EnsureLinkOutcome["outcome"]>;

class SyncRun {
  private report = emptySyncReport();
  private readonly failures: SyncFailure[] = [];

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly input: SynchronizeAllUsersInput,
    private readonly options: RunOptions,
  ) {}

  async run(): Promise<Result<{ report: SyncReport; failures: SyncFailure[] }, RunError>> {
    const start = await this.uow.read(
      async (stores): Promise<Result<{ domain: Domain; total: number }, RunError>> => {
        const domain = await requireDomain(stores, this.input.domainId);
        if (domain.isErr()) return err(domain.error);
        return ok({ domain: domain.value, total: await stores.users.count(this.input.domainId) });
      },
    );
    if (start.isErr()) return err(start.error);
    const { domain, total } = start.value;
    const limit = this.options.batchSize;
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
      const stopped = await this.syncPage(domain, items, total);
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

  /** What the domain's CMS policy does on a sync (§5): in every CMS, ensure-link. */
  private syncPage(domain: Domain, users: readonly CmsUser[], total: number) {
    const action = policyFor(domain.cms, "sync");
    switch (action) {
      case "ensure-link":
        return this.syncBatch(domain, users, total);
      default:
        return action satisfies never;
    }
  }

  /** The error that stopped the run, with what the run had done by then when it is unavailability. */
  private interrupted(stopped: StoreError): StoreError | SyncInterrupted {
    if (stopped.kind !== "StoreUnavailable") return stopped;
    return withCause(
      { ...stopped, done: { report: this.report, failures: [...this.failures] } },
      stopped.cause,
    );
  }

  /**
   * Users of one page in one transaction, counts their outcomes, and answers the error that
   * must stop the run, if any. A store that decides the batch itself does; else (or when it
   * leaves the batch undecided) `ensureLinks` decides it over the users read again under the
   * batch's locks; when one of them changed its email to a key the locks miss, the batch starts
   * again with locks that cover it. A batch of many that cannot finish runs user by user instead; a single user that
   * cannot is counted as failed.
   */
  private async syncBatch(
    domain: Domain,
    listed: readonly CmsUser[],
    total: number,
  ): Promise<StoreError | null> {
    if (listed.length === 0) return null;
    const result = await this.decidedByStore(domain, listed).andThen((decided) =>
      decided
        ? okAsync(done(decided))
        : retryOnStaleLocks(listed, (lockFor) => this.attempt(domain, listed, lockFor)),
    );
    if (result.isErr() && result.error.kind === "StoreUnavailable") return result.error;
    if (result.isOk() && result.value.kind === "done") {
      this.count(listed, result.value.value, total);
      return null;
    }
    if (listed.length > 1) {
      for (const user of listed) {
        const stopped = await this.syncBatch(domain, [user], total);
        if (stopped) return stopped;
      }
      return null;
    }
    this.fail(listed[0] as CmsUser, result.isErr() ? result.error.message : KEPT_CHANGING);
    this.reportProgress(total);
    return null;
  }

  /**
   * The batch decided and written by the store in one call, under the locks of the listed
   * users; null when the store cannot decide it (it then wrote nothing).
   */
  private decidedByStore(
    domain: Domain,
    listed: readonly CmsUser[],
  ): ResultAsync<BatchDone | null, StoreError> {
    if (!this.options.decideInStore) return okAsync(null);
    return this.uow.read(async (stores): Promise<Result<BatchDone | null, never>> => {
      if (!stores.decided) return ok(null);
      const users = listedUsersOf(listed, domain.cms);
      const decision = await stores.decided.linkListed(listedLocks(users), domain, users, {
        trigger: "sync",
        now: this.clock.now(),
      });
      return ok(decision.kind === "decided" ? decision.outcomes : null);
    });
  }

  /** One transaction over the batch, under the locks of `lockFor`. */
  private attempt(domain: Domain, listed: readonly CmsUser[], lockFor: readonly CmsUser[]) {
    const locks = ensureLinkLocks(lockFor);
    return this.uow.transaction(
      locks,
      async (stores): Promise<Result<LockAttempt<BatchDone, readonly CmsUser[]>, never>> => {
        const ids = listed.map((user) => user.userId);
        const { users, links } = await stores.bulk.usersWithLinks(domain.id, ids);
        if (!users.every(emailKeyLockedIn(locks))) return ok(stale([...listed, ...users]));
        const outcomes = await ensureLinks(stores.bulk, {
          domain,
          users,
          links,
          trigger: "sync",
          now: this.clock.now(),
        });
        const byUser: BatchDone = new Map();
        outcomes.forEach((outcome, index) => {
          byUser.set((users[index] as CmsUser).userId, outcome.outcome);
        });
        return ok(done(byUser));
      },
    );
  }

  /** Counts the outcomes of a batch; a listed user no longer in the directory failed. */
  private count(listed: readonly CmsUser[], outcomes: BatchDone, total: number) {
    for (const user of listed) {
      const outcome = outcomes.get(user.userId);
      if (outcome) this.report = countOutcome(this.report, outcome);
      else this.fail(user, VANISHED);
      this.reportProgress(total);
    }
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

  private fail(user: CmsUser, reason: string) {
    this.report = countOutcome(this.report, "failed");
    this.failures.push({ userId: user.userId, reason });
  }
}
