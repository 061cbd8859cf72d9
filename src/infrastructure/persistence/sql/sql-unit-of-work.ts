import type { Knex } from "knex";
import type { Result, ResultAsync } from "neverthrow";
import type {
  LockKeys,
  StoreError,
  Stores,
  UnitOfWork,
  Work,
} from "../../../application/ports/index.js";
import { retryOnConcurrentWrites, settle } from "../store-runtime.js";
import { takeAdvisoryLocks } from "./advisory-locks.js";
import { SqlBulkLinks, TableStatistics } from "./sql-bulk-links.js";
import { SqlContacts } from "./sql-contacts.js";
import { SqlDomains } from "./sql-domains.js";
import { SqlAuditLog, SqlOutbox } from "./sql-journals.js";
import { SqlLinks } from "./sql-links.js";
import { SqlStoreDecidedLinks } from "./sql-store-decided-links.js";
import { BatchedUserSnapshots, SqlUserSnapshots } from "./sql-user-snapshots.js";
import { SqlUsers } from "./sql-users.js";

/** Carries a work's error value out of a knex transaction callback, which must throw to roll back. */
class RolledBack<T, E> extends Error {
  constructor(readonly result: Result<T, E>) {
    super("rolled back");
  }
}

interface StoresOptions {
  /** Whether the store's own atomic calls take their advisory locks (not in a dry run). */
  locking?: boolean;
  snapshots?: Stores["snapshots"];
}

export const storesOn = (
  db: Knex,
  statistics: TableStatistics,
  { locking = true, snapshots = new SqlUserSnapshots(db) }: StoresOptions = {},
): Stores => ({
  contacts: new SqlContacts(db),
  links: new SqlLinks(db),
  users: new SqlUsers(db),
  domains: new SqlDomains(db),
  audit: new SqlAuditLog(db),
  outbox: new SqlOutbox(db),
  bulk: new SqlBulkLinks(db, statistics),
  snapshots,
  decided: new SqlStoreDecidedLinks(db, statistics, locking),
});

/**
 * The unit of work on a knex handle: the root one, or a transaction (then its transactions
 * are savepoints). Every transaction takes its advisory locks first, except in a discarding
 * unit of work: its writes are never seen by anyone else, and locks taken in a savepoint
 * would be held until the whole dry run ends (they go with the outer transaction), holding
 * up live logins and filling PostgreSQL's lock table.
 */
export class SqlUnitOfWork implements UnitOfWork {
  /** Reads outside a transaction on node-postgres share statements (sql-user-snapshots.ts). */
  private readonly readSnapshots: Stores["snapshots"];

  constructor(
    protected readonly db: Knex,
    /** Driver errors to the port's error classes, naming the store (sql-errors.ts). */
    protected readonly translate: (cause: unknown) => unknown,
    private readonly beforeEach: () => Promise<void> = async () => {},
    private readonly locking = true,
    protected readonly statistics = new TableStatistics(db),
  ) {
    const onPg = (db.client as { config: { client?: unknown } }).config.client === "pg";
    this.readSnapshots =
      onPg && !db.isTransaction ? new BatchedUserSnapshots(db) : new SqlUserSnapshots(db);
  }

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.beforeEach();
      try {
        return await retryOnConcurrentWrites(
          () =>
            this.db.transaction(async (trx) => {
              if (this.locking) await takeAdvisoryLocks(trx, locks);
              const result = await work(storesOn(trx, this.statistics));
              if (result.isErr()) throw new RolledBack(result);
              return result;
            }),
          (cause) => (cause instanceof RolledBack ? cause : this.translate(cause)),
        );
      } catch (cause) {
        if (cause instanceof RolledBack) return cause.result as Result<T, E>;
        throw cause;
      }
    }, this.translate);
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.beforeEach();
      return work(
        storesOn(this.db, this.statistics, {
          locking: this.locking,
          snapshots: this.readSnapshots,
        }),
      );
    }, this.translate);
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.beforeEach();
      const trx = await this.db.transaction();
      try {
        return await work(
          new SqlUnitOfWork(trx, this.translate, async () => {}, false, this.statistics),
        );
      } finally {
        await trx.rollback().catch(() => undefined);
      }
    }, this.translate);
  }
}
