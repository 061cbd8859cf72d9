import type { Knex } from "knex";
import type { ContactRepository, Page, PageRequest } from "../../../application/ports/index.js";
import {
  type Contact,
  type ContactEmail,
  type ContactId,
  type NewContact,
  type PersonName,
  withPrimaryEmail,
} from "../../../domain/index.js";
import { keysetPage } from "./keyset.js";
import {
  CONTACT_COLUMNS,
  type ContactEmailRow,
  type ContactRow,
  contactOf,
  foldedNameColumns,
  num,
} from "./rows.js";

/** `%`, `_` and the escape character itself stand for themselves in a LIKE pattern. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

export class SqlContacts implements ContactRepository {
  constructor(private readonly db: Knex) {}

  async findById(id: ContactId): Promise<Contact | null> {
    const [contact] = await this.withEmails(this.contacts().where("id", id));
    return contact ?? null;
  }

  async findByEmailKey(
    key: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<Contact[]> {
    const query = this.contacts()
      .whereIn("id", this.db("contact_emails").select("contact_id").where("email", key))
      .orderBy("id");
    if (!options.includeDeleted) query.where("is_deleted", false);
    return this.withEmails(query);
  }

  /**
   * LIKE on the folded names (PostgreSQL's default escape character is the backslash); on
   * PostgreSQL a trigram index serves it when pg_trgm was there for migration 004.
   */
  async findByName(
    foldedQuery: string,
    options: { includeDeleted: boolean },
    page: PageRequest,
  ): Promise<Page<Contact>> {
    const pattern = `%${escapeLike(foldedQuery)}%`;
    const query = this.contacts().where((names) =>
      names
        .where("first_name_folded", "like", pattern)
        .orWhere("last_name_folded", "like", pattern)
        .orWhere("display_name_folded", "like", pattern),
    );
    if (!options.includeDeleted) query.where("is_deleted", false);
    const rows = await keysetPage(query, "id", page, (row: ContactRow) => row);
    return { items: await this.withEmailsOf(rows.items), next: rows.next };
  }

  async create(contact: NewContact, at: Date): Promise<Contact> {
    const [row] = (await this.db("contacts")
      .insert({
        contact_type: contact.contactType,
        first_name: contact.firstName ?? null,
        last_name: contact.lastName ?? null,
        display_name: contact.displayName,
        ...foldedNameColumns(contact),
        is_deleted: false,
        created_at: at,
      })
      .returning(CONTACT_COLUMNS)) as ContactRow[];
    const id = num(row?.id);
    await this.insertEmails(id, contact.emails);
    return contactOf(row as ContactRow, emailRows(id, contact.emails));
  }

  async setPrimaryEmail(id: ContactId, address: string): Promise<Contact> {
    const contact = await this.existing(id);
    const emails = withPrimaryEmail(contact.emails, address);
    await this.db("contact_emails").where("contact_id", id).delete();
    await this.insertEmails(id, emails);
    return { ...contact, emails };
  }

  async rename(id: ContactId, name: PersonName, displayName: string): Promise<Contact> {
    await this.db("contacts")
      .where("id", id)
      .update({
        first_name: name.firstName ?? null,
        last_name: name.lastName ?? null,
        display_name: displayName,
        ...foldedNameColumns({ ...name, displayName }),
      });
    return this.existing(id);
  }

  async moveToTrash(id: ContactId): Promise<void> {
    await this.db("contacts").where("id", id).update({ is_deleted: true });
  }

  async restoreFromTrash(id: ContactId): Promise<void> {
    await this.db("contacts").where("id", id).update({ is_deleted: false });
  }

  private contacts(): Knex.QueryBuilder {
    return this.db("contacts").select(CONTACT_COLUMNS);
  }

  private async existing(id: ContactId): Promise<Contact> {
    const contact = await this.findById(id);
    if (!contact) throw new Error(`Contact ${id} does not exist.`);
    return contact;
  }

  private async insertEmails(id: ContactId, emails: ContactEmail[]) {
    if (emails.length > 0) await this.db("contact_emails").insert(emailRows(id, emails));
  }

  private async withEmails(query: Knex.QueryBuilder): Promise<Contact[]> {
    return this.withEmailsOf((await query) as ContactRow[]);
  }

  private async withEmailsOf(rows: ContactRow[]): Promise<Contact[]> {
    if (rows.length === 0) return [];
    const emails = (await this.db("contact_emails")
      .whereIn(
        "contact_id",
        rows.map((row) => num(row.id)),
      )
      .orderBy(["contact_id", "position"])) as ContactEmailRow[];
    const byContact = new Map<ContactId, ContactEmailRow[]>();
    for (const email of emails) {
      const id = num(email.contact_id);
      byContact.set(id, [...(byContact.get(id) ?? []), email]);
    }
    return rows.map((row) => contactOf(row, byContact.get(num(row.id)) ?? []));
  }
}

const emailRows = (id: ContactId, emails: ContactEmail[]): ContactEmailRow[] =>
  emails.map((email, position) => ({
    contact_id: id,
    email: email.email,
    is_primary: email.isPrimary,
    location_type: email.locationType,
    position,
  }));
