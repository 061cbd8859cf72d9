import type {
  AuditEntry,
  CmsUser,
  Contact,
  ContactId,
  DomainId,
  Link,
  UserId,
} from "../../domain/index.js";

/** The candidates of many email keys at once, and which of them are taken in one domain. */
export interface EmailKeyCandidates {
  /**
   * Live Individuals having an email with one of the keys, by id. Each carries its names and
   * only its emails with one of the keys (enough to rank it, §3 step 3).
   */
  contacts: Contact[];
  /** Which of these contacts are linked to a user of the domain. */
  linkedInDomain: Set<ContactId>;
}

/** A batch's users as the directory now holds them, and the links they already have. */
export interface BatchUsers {
  /** In userId order; users no longer in the directory are left out. */
  users: CmsUser[];
  links: Link[];
}

/** Everything a batch writes, in one go. */
export interface BatchWrites {
  /** New contacts, with ids from `reserveContactIds`. */
  contacts: readonly Contact[];
  links: readonly Link[];
  /** Appended in the given order. */
  audit: readonly AuditEntry[];
}

/**
 * Set-based reads and writes for ensure-link over a batch of users in one transaction, a
 * single user being a batch of one (§9 on a SQL store: a few statements per batch instead
 * of a few per user). The decisions stay in `decideLinks`: this port only reads and writes.
 */
export interface BulkLinkStore {
  /**
   * The directory's users with these ids and their links in the domain. The ids are those of
   * one keyset page: a store may read the whole range between the least and the greatest.
   */
  usersWithLinks(domainId: DomainId, userIds: readonly UserId[]): Promise<BatchUsers>;
  candidatesByEmailKeys(domainId: DomainId, keys: readonly string[]): Promise<EmailKeyCandidates>;
  /** `count` new contact ids, ascending, as creating contacts one after the other would give. */
  reserveContactIds(count: number): Promise<ContactId[]>;
  /**
   * Writes the contacts with their emails, the links and the audit entries; rejects with
   * `ConcurrentWriteError` as `LinkRepository.insert` does.
   */
  write(writes: BatchWrites): Promise<void>;
}
