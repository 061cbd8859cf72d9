import type { ContactId, DomainId, Link, UserId } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";

export interface LinkFilter {
  contactId?: ContactId;
  /** Matches links whose ufName has this email key. */
  emailKey?: string;
}

export interface LinkRepository {
  findByUser(domainId: DomainId, userId: UserId): Promise<Link | null>;
  findByUsers(domainId: DomainId, userIds: readonly UserId[]): Promise<Link[]>;
  /** The contact's links in every domain. */
  findByContact(contactId: ContactId): Promise<Link[]>;
  /** Which of these contacts are linked to a user of the domain. */
  linkedContactIds(domainId: DomainId, contactIds: readonly ContactId[]): Promise<Set<ContactId>>;
  /** Links of the domain whose ufName has this email key. */
  findByUfNameKey(domainId: DomainId, key: string): Promise<Link[]>;
  /**
   * Rejects with `ConcurrentWriteError` when the user or the contact is already linked in
   * the domain: the store enforces both invariants of §1.
   */
  insert(link: Link): Promise<Link>;
  updateUfName(domainId: DomainId, userId: UserId, ufName: string, at: Date): Promise<Link>;
  /** Removes the user's link and returns it, or null when there was none. */
  remove(domainId: DomainId, userId: UserId): Promise<Link | null>;
  list(domainId: DomainId, filter: LinkFilter, page: PageRequest): Promise<Page<Link>>;
}
