import type { Contact, ContactId, NewContact, PersonName } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";

export interface ContactRepository {
  findById(id: ContactId): Promise<Contact | null>;
  /** Contacts having an email with this key, trashed ones only when asked. */
  findByEmailKey(key: string, options?: { includeDeleted?: boolean }): Promise<Contact[]>;
  /**
   * Contacts whose first name, last name or display name, folded by `foldName`, contains
   * `foldedQuery` (itself folded), in id order after the cursor's contact; trashed ones only
   * when asked.
   */
  findByName(
    foldedQuery: string,
    options: { includeDeleted: boolean },
    page: PageRequest,
  ): Promise<Page<Contact>>;
  create(contact: NewContact, at: Date): Promise<Contact>;
  /** Replaces the contact's primary address in place, or adds a primary one (§7). */
  setPrimaryEmail(id: ContactId, address: string): Promise<Contact>;
  rename(id: ContactId, name: PersonName, displayName: string): Promise<Contact>;
  moveToTrash(id: ContactId): Promise<void>;
  restoreFromTrash(id: ContactId): Promise<void>;
}
