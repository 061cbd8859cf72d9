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
import { locksCover, MAX_LOCK_ATTEMPTS } from "../ensure-link/stale-locks.js";
import type { Clock, StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";

export interface SyncProgress {
  processed: number;
  total: number;
}

export interface SynchronizeAllUsersInput {
  domainId: DomainId;
  dryRun?: boolean;
  /** Called after every user; an exception it throws is ignored. */
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncResult {
  domainId: DomainId;
  dryRun: boolean;
  report: SyncReport;
  failures: SyncFailure[];
  /** The summary of SPEC §9. */
  message: string;
}

export type SynchronizeAllUsersError = ValidationFailed | DomainNotFound | StoreError;

type RunError = DomainNotFound | StoreError;

const PAGE_SIZE = 1000;

/**
 * "Synchronize Users to Contacts" (SPEC §9): every user of the domain's directory, in userId
 * order, through ensure-link with trigger `sync`, each in its own transaction under the same
 * locks as a login, so that live logins stay correct during a run. A failing user is counted
 * and the run goes on; only a store that went away stops it. A dry run makes the same
 * decisions through a unit of work whose writes are thrown away.
 */
export class SynchronizeAllUsers {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: SynchronizeAllUsersInput): ResultAsync<SyncResult, SynchronizeAllUsersError> {
    const invalid = checkIds({ domainId: input.domainId });
    if (invalid) return errAsync(invalid);
    const dryRun = input.dryRun === true;
    const run = (uow: UnitOfWork) => new SyncRun(uow, this.clock, input).run();
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
    let after: number | undefined;
    do {
      const page = await this.uow.read(async (stores) =>
        ok(
          await stores.users.list(
            domain.id,
            after === undefined ? { limit: PAGE_SIZE } : { limit: PAGE_SIZE, after },
          ),
        ),
      );
      if (page.isErr()) return err(page.error);
      for (const user of page.value.items) {
        const stopped = await this.syncUser(domain, user);
        if (stopped) return err(stopped);
        this.reportProgress(total);
      }
      after = page.value.next ?? undefined;
    } while (after !== undefined);
    return ok({ report: this.report, failures: this.failures });
  }

  /** Progress is for display only: a callback that throws does not stop the run. */
  private reportProgress(total: number) {
    try {
      this.input.onProgress?.({
        processed: this.report.checked,
        total: Math.max(total, this.report.checked),
      });
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
        this.fail(user, "The user was deleted during the sync.");
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
