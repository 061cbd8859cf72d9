import { ok, type Result, type ResultAsync } from "neverthrow";
import {
  type LockKeys,
  type StoreError,
  type Stores,
  StoreUnavailableError,
  type UnitOfWork,
  type Work,
} from "../../../application/ports/index.js";
import type { Domain } from "../../../domain/index.js";
import { lockNames } from "../lock-names.js";
import { retryOnConcurrentWrites, type StoreRuntime, settle } from "../store-runtime.js";
import { KeyLocks } from "./key-locks.js";
import { MemoryBulkLinks } from "./memory-bulk-links.js";
import { MemoryContacts } from "./memory-contacts.js";
import { MemoryDomains } from "./memory-domains.js";
import { MemoryAuditLog, MemoryOutbox } from "./memory-journals.js";
import { MemoryLinks } from "./memory-links.js";
import { copy, emptyTables, Journal, type MemoryTables } from "./memory-state.js";
import { MemorySyncJobs } from "./memory-sync-jobs.js";
import { MemoryUsers } from "./memory-users.js";

export interface MemoryStoreOptions {
  /** Domains present from the start (domain 1, as §1 wants). */
  domains?: Domain[];
}

/**
 * Every port kept in process memory: for tests, demos and embedding without a database.
 * Transactions are atomic (a journal undoes their writes), serialised per lock key like the
 * SQL store, and retried when a write loses a race on a uniqueness invariant.
 */
export class MemoryStore implements StoreRuntime {
  private closed = false;
  private readonly locks = new KeyLocks();
  /** Beside the tables, outside transactions; closed like the rest. */
  readonly syncJobs = new MemorySyncJobs(() => this.ensureOnline());

  private constructor(private readonly tables: MemoryTables) {}

  static create(options: MemoryStoreOptions = {}): MemoryStore {
    const tables = emptyTables();
    for (const domain of options.domains ?? []) tables.domains.set(domain.id, copy(domain));
    return new MemoryStore(tables);
  }

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      this.ensureOnline();
      const release = await this.locks.acquire(lockNames(locks));
      try {
        return await this.withRetries(work);
      } finally {
        release();
      }
    });
  }

  prepare(): ResultAsync<void, StoreError> {
    return settle(async () => {
      this.ensureOnline();
      return ok(undefined);
    });
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  /** Like the SQL store's: every call answers StoreUnavailable afterwards. */
  async close(): Promise<void> {
    this.closed = true;
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return settle(() => {
      this.ensureOnline();
      return work(this.stores(null));
    });
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return settle(() => {
      this.ensureOnline();
      return work(new MemoryStore(copy(this.tables)));
    });
  }

  private withRetries<T, E>(work: Work<T, E>): Promise<Result<T, E>> {
    return retryOnConcurrentWrites(async () => {
      const journal = new Journal();
      try {
        const result = await work(this.stores(journal));
        if (result.isErr()) journal.rollback();
        return result;
      } catch (cause) {
        journal.rollback();
        throw cause;
      }
    });
  }

  private stores(journal: Journal | null): Stores {
    return {
      contacts: new MemoryContacts(this.tables, journal),
      links: new MemoryLinks(this.tables, journal),
      users: new MemoryUsers(this.tables, journal),
      domains: new MemoryDomains(this.tables, journal),
      audit: new MemoryAuditLog(this.tables, journal),
      outbox: new MemoryOutbox(this.tables, journal),
      bulk: new MemoryBulkLinks(this.tables, journal),
    };
  }

  private ensureOnline() {
    if (this.closed) throw new StoreUnavailableError("The in-memory store is closed.");
  }
}
