import type {
  AuditEntry,
  CmsUser,
  Contact,
  ContactId,
  DomainId,
  Link,
  NewContact,
  UserId,
} from "../../domain/index.js";

/** The candidates of many email keys at once, and which of them are taken in one domain. */
export interface EmailKeyCandidates {
  /**
   * Live Individuals having an email with one of the keys, by id. Each carries its names and
   * only its emails with one of the keys (enough to rank it, SPEC §3 step 3).
   */
  contacts: Contact[];
  /** Which of these contacts are linked to a user of the domain. */
  linkedInDomain: Set<ContactId>;
}

/**
 * Set-based reads and writes for ensure-link over a batch of users in one transaction
 * (SPEC §9 on a SQL store: a few statements per batch instead of a few per user). A store
 * offers it through `Stores.bulk` when it is much faster than the per-user path; the
 * decisions stay in `ensureLinkBatch`, which must give what ensure-link user by user gives.
 */
export interface BulkLinkStore {
  /** The directory's users with these ids, in userId order; absent ones are left out. */
  usersByIds(domainId: DomainId, userIds: readonly UserId[]): Promise<CmsUser[]>;
  candidatesByEmailKeys(domainId: DomainId, keys: readonly string[]): Promise<EmailKeyCandidates>;
  /**
   * Creates the contacts with ids ascending in the given order, as creating them one after
   * the other would.
   */
  createContacts(contacts: readonly NewContact[], at: Date): Promise<Contact[]>;
  /** Rejects with `ConcurrentWriteError` as `LinkRepository.insert` does. */
  insertLinks(links: readonly Link[]): Promise<void>;
  /** Appends the entries in the given order. */
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
}
