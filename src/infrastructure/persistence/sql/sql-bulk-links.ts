import type { Knex } from "knex";
import type { BulkLinkStore, EmailKeyCandidates } from "../../../application/ports/index.js";
import {
  type AuditEntry,
  type CmsUser,
  type Contact,
  type ContactId,
  type DomainId,
  emailKeyOf,
  type Link,
  type NewContact,
  type UserId,
} from "../../../domain/index.js";
import {
  type ContactEmailRow,
  type ContactRow,
  contactOf,
  num,
  type UserRow,
  userOf,
} from "./rows.js";

/** A text[] parameter that may hold nulls (knex's binding types know arrays without them). */
const withNulls = (values: readonly (string | null)[]): Knex.Value => values as Knex.Value;

/** Rows the batches of one store wrote before the planner's statistics are first refreshed. */
const FIRST_ANALYZE_AFTER = 10_000;

/**
 * Keeps PostgreSQL's statistics of the tables a sync fills in step with it. A first sync into a
 * new database may create a hundred thousand contacts within a minute, before autovacuum
 * analyzes the tables: until then the planner believes them empty, plans even keyed lookups
 * as scans, and keeps such plans for the foreign-key checks of every connection, so each batch
 * gets slower than the one before. The store's batches therefore analyze the tables once they
 * wrote 10,000 links, and again whenever they doubled the links written since (a handful of
 * times in a run of a million users). ANALYZE takes a lock that only other maintenance of the
 * table waits for.
 */
export class TableStatistics {
  private written = 0;
  private analyzeAt = FIRST_ANALYZE_AFTER;

  async grew(db: Knex, rows: number): Promise<void> {
    this.written += rows;
    if (this.written < this.analyzeAt) return;
    this.analyzeAt = 2 * this.written;
    await db.raw("analyze contacts, contact_emails, links");
  }
}

interface CandidateRow extends ContactRow, Omit<ContactEmailRow, "contact_id"> {
  linked: boolean;
}

/**
 * The set-based batch work of SPEC §9: every method is one statement (or two) for the whole
 * batch, its values passed as arrays and expanded with `unnest`, so a batch costs the same few
 * round trips whatever its size.
 *
 * The reads look every key up through its index, one after the other (`lateral … offset 0`
 * keeps the planner from turning them into joins): for a batch's few hundred keys that is
 * always right, while a plain join of the same keys is planned, with tables of some ten
 * thousand rows or statistics not yet caught up with a first sync, as scans of whole tables
 * that grow with every batch.
 */
export class SqlBulkLinks implements BulkLinkStore {
  constructor(
    private readonly db: Knex,
    private readonly statistics: TableStatistics,
  ) {}

  async usersByIds(domainId: DomainId, userIds: readonly UserId[]): Promise<CmsUser[]> {
    if (userIds.length === 0) return [];
    const { rows } = (await this.db.raw(
      `select u.* from unnest(?::bigint[]) as k(user_id)
         cross join lateral (
           select * from users u where u.domain_id = ? and u.user_id = k.user_id offset 0) u
        order by u.user_id`,
      [userIds.map(String), domainId],
    )) as { rows: UserRow[] };
    return rows.map(userOf);
  }

  async candidatesByEmailKeys(
    domainId: DomainId,
    keys: readonly string[],
  ): Promise<EmailKeyCandidates> {
    if (keys.length === 0) return { contacts: [], linkedInDomain: new Set() };
    const { rows } = (await this.db.raw(
      `select c.id, c.contact_type, c.first_name, c.last_name, c.display_name, c.is_deleted,
              c.created_at, e.email, e.is_primary, e.location_type, e.position,
              l.linked is not null as linked
         from unnest(?::text[]) as k(email)
        cross join lateral (
          select * from contact_emails e where e.email = k.email offset 0) e
        cross join lateral (
          select * from contacts c
           where c.id = e.contact_id and not c.is_deleted and c.contact_type = 'Individual'
          offset 0) c
         left join lateral (
          select true as linked from links l where l.domain_id = ? and l.contact_id = c.id
          limit 1) l on true
        order by c.id, e.position`,
      [[...new Set(keys)], domainId],
    )) as { rows: CandidateRow[] };
    const contacts: Contact[] = [];
    const linkedInDomain = new Set<ContactId>();
    let index = 0;
    while (index < rows.length) {
      const first = rows[index] as CandidateRow;
      const id = num(first.id);
      const emails: ContactEmailRow[] = [];
      for (; index < rows.length && num(rows[index]?.id) === id; index++) {
        emails.push({ ...(rows[index] as CandidateRow), contact_id: id });
      }
      contacts.push(contactOf(first, emails));
      if (first.linked) linkedInDomain.add(id);
    }
    return { contacts, linkedInDomain };
  }

  /**
   * Ids are drawn from the contacts' sequence first and given out in ascending order, so that
   * they ascend in the order of the contacts, as one insert after the other would number them.
   */
  async createContacts(contacts: readonly NewContact[], at: Date): Promise<Contact[]> {
    if (contacts.length === 0) return [];
    const { rows } = (await this.db.raw(
      "select nextval(pg_get_serial_sequence('contacts', 'id')) as id from generate_series(1, ?)",
      [contacts.length],
    )) as { rows: { id: unknown }[] };
    const ids = rows.map((row) => num(row.id)).sort((a, b) => a - b);
    const created = contacts.map(
      (contact, index): Contact => ({
        ...contact,
        id: ids[index] as number,
        isDeleted: false,
        createdAt: at,
      }),
    );
    await this.db.raw(
      `insert into contacts (id, contact_type, first_name, last_name, display_name, is_deleted, created_at)
       select id, contact_type, first_name, last_name, display_name, false, ?::timestamptz
         from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
           as t(id, contact_type, first_name, last_name, display_name)`,
      [
        at.toISOString(),
        created.map((contact) => String(contact.id)),
        created.map((contact) => contact.contactType),
        withNulls(created.map((contact) => contact.firstName ?? null)),
        withNulls(created.map((contact) => contact.lastName ?? null)),
        created.map((contact) => contact.displayName),
      ],
    );
    const emails = created.flatMap((contact) =>
      contact.emails.map((email, position) => ({ contactId: contact.id, position, ...email })),
    );
    if (emails.length > 0) {
      await this.db.raw(
        `insert into contact_emails (contact_id, email, is_primary, location_type, position)
         select * from unnest(?::bigint[], ?::text[], ?::boolean[], ?::text[], ?::int[])`,
        [
          emails.map((email) => String(email.contactId)),
          emails.map((email) => email.email),
          emails.map((email) => email.isPrimary),
          emails.map((email) => email.locationType),
          emails.map((email) => email.position),
        ],
      );
    }
    return created;
  }

  async insertLinks(links: readonly Link[]): Promise<void> {
    if (links.length === 0) return;
    await this.statistics.grew(this.db, links.length);
    await this.db.raw(
      `insert into links (domain_id, user_id, contact_id, uf_name, uf_name_key, created_at, updated_at)
       select * from unnest(?::int[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],
                            ?::timestamptz[], ?::timestamptz[])`,
      [
        links.map((link) => link.domainId),
        links.map((link) => String(link.userId)),
        links.map((link) => String(link.contactId)),
        links.map((link) => link.ufName),
        links.map((link) => emailKeyOf(link.ufName)),
        links.map((link) => link.createdAt.toISOString()),
        links.map((link) => link.updatedAt.toISOString()),
      ],
    );
  }

  /** `seq` is drawn row by row in ordinality order, so the entries keep the given order. */
  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.raw(
      `insert into audit_entries (at, domain_id, user_id, contact_id, action, trigger)
       select at, domain_id, user_id, contact_id, action, trigger
         from unnest(?::timestamptz[], ?::int[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
              with ordinality as t(at, domain_id, user_id, contact_id, action, trigger, ord)
        order by ord`,
      [
        entries.map((entry) => entry.at.toISOString()),
        entries.map((entry) => entry.domainId),
        withNulls(entries.map((entry) => (entry.userId === null ? null : String(entry.userId)))),
        entries.map((entry) => String(entry.contactId)),
        entries.map((entry) => entry.action),
        entries.map((entry) => entry.trigger),
      ],
    );
  }
}
