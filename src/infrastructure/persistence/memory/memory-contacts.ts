import type { ContactRepository, Page, PageRequest } from "../../../application/ports/index.js";
import {
  type Contact,
  type ContactId,
  type NewContact,
  nameContains,
  type PersonName,
  withPrimaryEmail,
} from "../../../domain/index.js";
import { keysetPage } from "./keyset-page.js";
import { copy, type Journal, journaledSet, type MemoryTables } from "./memory-state.js";

export class MemoryContacts implements ContactRepository {
  constructor(
    private readonly tables: MemoryTables,
    private readonly journal: Journal | null,
  ) {}

  async findById(id: ContactId): Promise<Contact | null> {
    const contact = this.tables.contacts.get(id);
    return contact ? copy(contact) : null;
  }

  async findByEmailKey(
    key: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<Contact[]> {
    const ids = [...(this.tables.contactsByEmail.get(key) ?? [])].sort((a, b) => a - b);
    return ids
      .map((id) => this.tables.contacts.get(id) as Contact)
      .filter((contact) => options.includeDeleted || !contact.isDeleted)
      .map(copy);
  }

  /** Looks at every contact: the in-memory store is for tests and demos. */
  async findByName(
    foldedQuery: string,
    options: { includeDeleted: boolean },
    page: PageRequest,
  ): Promise<Page<Contact>> {
    const matching = [...this.tables.contacts.values()]
      .filter((contact) => options.includeDeleted || !contact.isDeleted)
      .filter((contact) => nameContains(contact, foldedQuery))
      .sort((a, b) => a.id - b.id);
    const result = keysetPage(matching, (contact) => contact.id, page);
    return { ...result, items: result.items.map(copy) };
  }

  async create(contact: NewContact, at: Date): Promise<Contact> {
    const id = this.tables.nextContactId++;
    const created: Contact = { ...copy(contact), id, isDeleted: false, createdAt: at };
    this.write(created);
    return copy(created);
  }

  /** Stores a contact whose id was reserved beforehand (`MemoryBulkLinks`). */
  insert(contact: Contact): void {
    if (this.tables.contacts.has(contact.id)) throw new Error(`Contact ${contact.id} exists.`);
    this.write(copy(contact));
  }

  async setPrimaryEmail(id: ContactId, address: string): Promise<Contact> {
    const contact = this.existing(id);
    return this.write({ ...contact, emails: withPrimaryEmail(contact.emails, address) });
  }

  async rename(id: ContactId, name: PersonName, displayName: string): Promise<Contact> {
    const { firstName: _first, lastName: _last, ...rest } = this.existing(id);
    return this.write({ ...rest, ...name, displayName });
  }

  async moveToTrash(id: ContactId): Promise<void> {
    this.write({ ...this.existing(id), isDeleted: true });
  }

  async restoreFromTrash(id: ContactId): Promise<void> {
    this.write({ ...this.existing(id), isDeleted: false });
  }

  private existing(id: ContactId): Contact {
    const contact = this.tables.contacts.get(id);
    if (!contact) throw new Error(`Contact ${id} does not exist.`);
    return copy(contact);
  }

  /** Stores the contact and keeps the email index in step with its emails. */
  private write(contact: Contact): Contact {
    const before = this.tables.contacts.get(contact.id);
    for (const email of before?.emails ?? []) this.unindex(email.email, contact.id);
    for (const email of contact.emails) this.index(email.email, contact.id);
    journaledSet(this.journal, this.tables.contacts, contact.id, contact);
    return copy(contact);
  }

  private index(key: string, id: ContactId) {
    const ids = new Set(this.tables.contactsByEmail.get(key));
    ids.add(id);
    journaledSet(this.journal, this.tables.contactsByEmail, key, ids);
  }

  private unindex(key: string, id: ContactId) {
    const ids = new Set(this.tables.contactsByEmail.get(key));
    ids.delete(id);
    journaledSet(this.journal, this.tables.contactsByEmail, key, ids);
  }
}
