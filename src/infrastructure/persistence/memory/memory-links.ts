import {
  ConcurrentWriteError,
  type LinkFilter,
  type LinkRepository,
  type Page,
  type PageRequest,
} from "../../../application/ports/index.js";
import {
  type ContactId,
  type DomainId,
  emailKeyOf,
  type Link,
  type UserId,
} from "../../../domain/index.js";
import { keysetPage } from "./keyset-page.js";
import {
  copy,
  type Journal,
  journaledDelete,
  journaledSet,
  type MemoryTables,
} from "./memory-state.js";

/** The key of a user's link in `MemoryTables.links`. */
export const userKey = (domainId: DomainId, userId: UserId) => `${domainId}:${userId}`;
/** The key of a contact's link in `MemoryTables.linkByContact`. */
export const contactKey = (domainId: DomainId, contactId: ContactId) => `${domainId}:${contactId}`;

export class MemoryLinks implements LinkRepository {
  constructor(
    private readonly tables: MemoryTables,
    private readonly journal: Journal | null,
  ) {}

  async findByUser(domainId: DomainId, userId: UserId): Promise<Link | null> {
    const link = this.tables.links.get(userKey(domainId, userId));
    return link ? copy(link) : null;
  }

  async findByUsers(domainId: DomainId, userIds: readonly UserId[]): Promise<Link[]> {
    return [...new Set(userIds)]
      .sort((a, b) => a - b)
      .flatMap((userId) => {
        const link = this.tables.links.get(userKey(domainId, userId));
        return link ? [copy(link)] : [];
      });
  }

  async findByContact(contactId: ContactId): Promise<Link[]> {
    return this.all()
      .filter((link) => link.contactId === contactId)
      .sort((a, b) => a.domainId - b.domainId)
      .map(copy);
  }

  async linkedContactIds(
    domainId: DomainId,
    contactIds: readonly ContactId[],
  ): Promise<Set<ContactId>> {
    return new Set(
      contactIds.filter((id) => this.tables.linkByContact.has(contactKey(domainId, id))),
    );
  }

  async findByUfNameKey(domainId: DomainId, key: string): Promise<Link[]> {
    return this.inDomain(domainId)
      .filter((link) => emailKeyOf(link.ufName) === key)
      .sort((a, b) => a.userId - b.userId)
      .map(copy);
  }

  async insert(link: Link): Promise<Link> {
    const byUser = userKey(link.domainId, link.userId);
    const byContact = contactKey(link.domainId, link.contactId);
    if (this.tables.links.has(byUser) || this.tables.linkByContact.has(byContact)) {
      throw new ConcurrentWriteError(
        `User ${link.userId} or contact ${link.contactId} is already linked in domain ${link.domainId}.`,
      );
    }
    journaledSet(this.journal, this.tables.links, byUser, copy(link));
    journaledSet(this.journal, this.tables.linkByContact, byContact, byUser);
    return copy(link);
  }

  async updateUfName(domainId: DomainId, userId: UserId, ufName: string, at: Date): Promise<Link> {
    const key = userKey(domainId, userId);
    const link = this.tables.links.get(key);
    if (!link) throw new Error(`User ${userId} of domain ${domainId} is not linked.`);
    const updated = { ...copy(link), ufName, updatedAt: at };
    journaledSet(this.journal, this.tables.links, key, updated);
    return copy(updated);
  }

  async remove(domainId: DomainId, userId: UserId): Promise<Link | null> {
    const key = userKey(domainId, userId);
    const link = this.tables.links.get(key);
    if (!link) return null;
    journaledDelete(this.journal, this.tables.links, key);
    journaledDelete(this.journal, this.tables.linkByContact, contactKey(domainId, link.contactId));
    return copy(link);
  }

  async list(domainId: DomainId, filter: LinkFilter, page: PageRequest): Promise<Page<Link>> {
    const matching = this.inDomain(domainId)
      .filter((link) => filter.contactId === undefined || link.contactId === filter.contactId)
      .filter(
        (link) => filter.emailKey === undefined || emailKeyOf(link.ufName) === filter.emailKey,
      )
      .sort((a, b) => a.userId - b.userId);
    const result = keysetPage(matching, (link) => link.userId, page);
    return { ...result, items: result.items.map(copy) };
  }

  private all(): Link[] {
    return [...this.tables.links.values()];
  }

  private inDomain(domainId: DomainId): Link[] {
    return this.all().filter((link) => link.domainId === domainId);
  }
}
