import {
  type BatchUsers,
  type BatchWrites,
  type BulkLinkStore,
  ConcurrentWriteError,
  type EmailKeyCandidates,
} from "../../../application/ports/index.js";
import type { CmsUser, Contact, ContactId, DomainId, Link, UserId } from "../../../domain/index.js";
import { MemoryContacts } from "./memory-contacts.js";
import { MemoryAuditLog } from "./memory-journals.js";
import { contactKey, MemoryLinks, userKey } from "./memory-links.js";
import { copy, type Journal, type MemoryTables } from "./memory-state.js";

/**
 * The batch port on the in-memory tables, writing through the same journal as the other
 * repositories of the transaction, so that a rollback undoes a batch's writes too.
 */
export class MemoryBulkLinks implements BulkLinkStore {
  private readonly contacts: MemoryContacts;
  private readonly links: MemoryLinks;
  private readonly audit: MemoryAuditLog;

  constructor(
    private readonly tables: MemoryTables,
    journal: Journal | null,
  ) {
    this.contacts = new MemoryContacts(tables, journal);
    this.links = new MemoryLinks(tables, journal);
    this.audit = new MemoryAuditLog(tables, journal);
  }

  async usersWithLinks(domainId: DomainId, userIds: readonly UserId[]): Promise<BatchUsers> {
    const directory = this.tables.users.get(domainId);
    const users: CmsUser[] = [];
    const links: Link[] = [];
    for (const userId of [...new Set(userIds)].sort((a, b) => a - b)) {
      const user = directory?.get(userId);
      if (!user) continue;
      users.push(copy(user));
      const link = this.tables.links.get(userKey(domainId, userId));
      if (link) links.push(copy(link));
    }
    return { users, links };
  }

  async candidatesByEmailKeys(
    domainId: DomainId,
    keys: readonly string[],
  ): Promise<EmailKeyCandidates> {
    const wanted = new Set(keys);
    const ids = new Set<ContactId>();
    for (const key of wanted)
      for (const id of this.tables.contactsByEmail.get(key) ?? []) ids.add(id);
    const contacts: Contact[] = [];
    const linkedInDomain = new Set<ContactId>();
    for (const id of [...ids].sort((a, b) => a - b)) {
      const contact = this.tables.contacts.get(id);
      if (!contact || contact.isDeleted || contact.contactType !== "Individual") continue;
      const found = copy(contact);
      contacts.push({ ...found, emails: found.emails.filter(({ email }) => wanted.has(email)) });
      if (this.tables.linkByContact.has(contactKey(domainId, id))) linkedInDomain.add(id);
    }
    return { contacts, linkedInDomain };
  }

  async reserveContactIds(count: number): Promise<ContactId[]> {
    return Array.from({ length: count }, () => this.tables.nextContactId++);
  }

  /** Checks every contact id and link first, so that a refused batch writes nothing. */
  async write({ contacts, links, audit }: BatchWrites): Promise<void> {
    const ids = new Set<ContactId>();
    for (const { id } of contacts) {
      if (ids.has(id) || this.tables.contacts.has(id)) throw new Error(`Contact ${id} exists.`);
      ids.add(id);
    }
    const users = new Set<string>();
    const linked = new Set<string>();
    for (const link of links) {
      const user = userKey(link.domainId, link.userId);
      const contact = contactKey(link.domainId, link.contactId);
      if (users.has(user) || linked.has(contact) || this.isLinked(user, contact)) {
        throw new ConcurrentWriteError(
          `User ${link.userId} or contact ${link.contactId} is already linked in domain ${link.domainId}.`,
        );
      }
      users.add(user);
      linked.add(contact);
    }
    for (const contact of contacts) this.contacts.insert(contact);
    for (const link of links) await this.links.insert(link);
    for (const entry of audit) await this.audit.append(entry);
  }

  private isLinked(user: string, contact: string): boolean {
    return this.tables.links.has(user) || this.tables.linkByContact.has(contact);
  }
}
