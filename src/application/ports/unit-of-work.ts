import type { Result, ResultAsync } from "neverthrow";
import type { AuditLog } from "./audit-log.js";
import type { BulkLinkStore } from "./bulk-link-store.js";
import type { ContactRepository } from "./contact-repository.js";
import type { DomainRepository } from "./domain-repository.js";
import type { LinkRepository } from "./link-repository.js";
import type { LockKeys } from "./lock-keys.js";
import type { Outbox } from "./outbox.js";
import type { StoreDecidedLinks } from "./store-decided-links.js";
import type { StoreError } from "./store-errors.js";
import type { UserDirectory } from "./user-directory.js";
import type { UserSnapshotReader } from "./user-snapshots.js";

/** Every repository, bound to one transaction. */
export interface Stores {
  contacts: ContactRepository;
  links: LinkRepository;
  users: UserDirectory;
  domains: DomainRepository;
  audit: AuditLog;
  outbox: Outbox;
  /** Ensure-link's reads and writes for any number of users at once. */
  bulk: BulkLinkStore;
  /** A user's domain, entry and link in one statement (SQL); absent elsewhere. */
  snapshots?: UserSnapshotReader;
  /** Ensure-link over a batch decided in one call by the store itself (SQL); absent elsewhere. */
  decided?: StoreDecidedLinks;
}

export type Work<T, E> = (stores: Stores) => Promise<Result<T, E>>;

export interface UnitOfWork {
  /**
   * Runs `work` atomically under the locks: committed when it returns ok, rolled back when it
   * returns an error or rejects. A write that lost a race against a concurrent writer
   * (`ConcurrentWriteError`) makes the whole work run again.
   */
  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError>;
  /**
   * Runs reads outside any lock; cheaper than a transaction. The store's own atomic calls
   * (`Stores.decided`) run there too, each one its own transaction.
   */
  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError>;
  /**
   * Runs `work` against a unit of work whose writes are all discarded at the end, but
   * visible to the reads made through it until then (dry runs).
   */
  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError>;
}
