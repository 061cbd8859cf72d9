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
import { SqlContacts } from "./sql-contacts.js";
import { SqlDomains } from "./sql-domains.js";
import { translateSqlError } from "./sql-errors.js";
import { SqlAuditLog, SqlOutbox } from "./sql-journals.js";
import { SqlLinks } from "./sql-links.js";
import { SqlUsers } from "./sql-users.js";

/** Carries a work's error value out of a knex transaction callback, which must throw to roll back. */
class RolledBack<T, E> extends Error {
  constructor(readonly result: Result<T, E>) {
    super("rolled back");
  }
}

export const storesOn = (db: Knex): Stores => ({
  contacts: new SqlContacts(db),
  links: new SqlLinks(db),
  users: new SqlUsers(db),
  domains: new SqlDomains(db),
  audit: new SqlAuditLog(db),
  outbox: new SqlOutbox(db),
});

/**
 * The unit of work on a knex handle: the root one, or a transaction (then its transactions
 * are savepoints). Every transaction takes its advisory locks first.
 */
export class SqlUnitOfWork implements UnitOfWork {
  constructor(
    protected readonly db: Knex,
    private readonly beforeEach: () => Promise<void> = async () => {},
  ) {}

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.beforeEach();
      try {
        return await retryOnConcurrentWrites(
          () =>
            this.db.transaction(async (trx) => {
              await takeAdvisoryLocks(trx, locks);
              const result = await work(storesOn(trx));
              if (result.isErr()) throw new RolledBack(result);
              return result;
            }),
          (cause) => (cause instanceof RolledBack ? cause : translateSqlError(cause)),
        );
      } catch (cause) {
        if (cause instanceof RolledBack) return cause.result as Result<T, E>;
        throw cause;
      }
    }, translateSqlError);
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.beforeEach();
      return work(storesOn(this.db));
    }, translateSqlError);
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.beforeEach();
      const trx = await this.db.transaction();
      try {
        return await work(new SqlUnitOfWork(trx));
      } finally {
        await trx.rollback().catch(() => undefined);
      }
    }, translateSqlError);
  }
}
