import type { Knex } from "knex";
import type {
  BatchUsers,
  BatchWrites,
  BulkLinkStore,
  EmailKeyCandidates,
} from "../../../application/ports/index.js";
import {
  type CmsUser,
  type Contact,
  type ContactId,
  type DomainId,
  emailKeyOf,
  type Link,
  type UserId,
} from "../../../domain/index.js";
import { preparedStatement } from "./prepared-statement.js";
import {
  type ContactEmailRow,
  type ContactRow,
  contactOf,
  foldedNameColumns,
  JOINED_LINK,
  type JoinedLinkColumns,
  joinedLinkOf,
  num,
  type UserRow,
  userOf,
} from "./rows.js";

/** Links the batches of one store wrote before the planner's statistics are first refreshed. */
const FIRST_ANALYZE_AFTER = 10_000;

/**
 * Keeps PostgreSQL's statistics of the tables a sync fills in step with it. A first sync into a
 * new database may create a hundred thousand contacts within a minute, before autovacuum
 * analyzes the tables: until then the planner's statistics describe far smaller tables, and a
 * plan chosen for them may scan what has grown. The store's batches therefore analyze the
 * tables whenever the links they wrote since the last time reach what the table held then
 * (at least 10,000): a table that doubled is analyzed again, a handful of times in a run of a
 * million users, and not at all while a sync adds little to a large table. ANALYZE takes a
 * lock that only other maintenance of the table waits for.
 *
 * The ANALYZE runs in the background on a connection of its own, one at a time: a write that
 * crosses the threshold may be a login's, inside a transaction holding its locks, and a sync
 * batch or another login waiting for those locks would otherwise wait for the ANALYZE too (a
 * second or more on a large table). Statistics only guide the planner: an ANALYZE that fails
 * is tried again at the next write.
 */
export class TableStatistics {
  private written = 0;
  private analyzeAt: number | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly db: Knex) {}

  /** Counts `rows` links written; starts an ANALYZE when they reach the threshold. */
  grew(rows: number): void {
    this.written += rows;
    if (this.running || (this.analyzeAt !== null && this.written < this.analyzeAt)) return;
    this.running = this.refresh()
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
      });
  }

  /** Resolves once no ANALYZE is running (before the store's connections close). */
  async settled(): Promise<void> {
    await this.running;
  }

  private async refresh(): Promise<void> {
    this.analyzeAt ??= await analyzeThreshold(this.db);
    if (this.written < this.analyzeAt) return;
    await this.db.raw("analyze contacts, contact_emails, links");
    this.written = 0;
    this.analyzeAt = await analyzeThreshold(this.db);
  }
}

/** The links table's size as the statistics have it (-1 before any), at least 10,000. */
async function analyzeThreshold(db: Knex): Promise<number> {
  const { rows } = (await db.raw(
    "select reltuples from pg_class where oid = to_regclass('links')",
  )) as { rows: { reltuples: unknown }[] };
  return Math.max(FIRST_ANALYZE_AFTER, Number(rows[0]?.reltuples ?? 0));
}

interface CandidateRow extends ContactRow, Omit<ContactEmailRow, "contact_id"> {
  linked: boolean;
}

const USERS_WITH_LINKS = preparedStatement(
  "civilink_sync_users_with_links",
  `select u.*, ${JOINED_LINK}
     from users u
     left join links l on l.domain_id = u.domain_id and l.user_id = u.user_id
          and l.user_id between ? and ?
    where u.domain_id = ? and u.user_id between ? and ?
    order by u.user_id`,
);

const CANDIDATES = preparedStatement(
  "civilink_sync_candidates",
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
);

/** The sub-select is an init plan, looked up once (a joined row's sequence was looked up per id). */
const CONTACT_IDS = preparedStatement(
  "civilink_sync_contact_ids",
  `select nextval((select pg_get_serial_sequence('contacts', 'id')::regclass)) as id
     from generate_series(1, ?)`,
);

/** SQL types of the fields of a batch's JSON rows, as `json_to_recordset` reads them; `?`: or null. */
type SqlType = "bigint" | "int" | "text" | "boolean";
type FieldType = SqlType | `${SqlType}?`;

type FieldValue<T extends FieldType> = T extends `${infer Type extends SqlType}?`
  ? FieldValue<Type> | null
  : T extends "text"
    ? string
    : T extends "boolean"
      ? boolean
      : number;

/** A JSON row with exactly these fields: a field missing, added or of another type does not compile. */
type JsonRow<F extends Record<string, FieldType>> = { [K in keyof F]: FieldValue<F[K]> };

/** `json_to_recordset`'s column definition list for rows with these fields. */
const definitionList = (fields: Record<string, FieldType>) =>
  Object.entries(fields)
    .map(([name, type]) => `${name} ${type.replace("?", "")}`)
    .join(", ");

/** Fields named `…_at` hold an index into the batch's instants (see `Instants`). */
const CONTACT_FIELDS = {
  id: "bigint",
  contact_type: "text",
  first_name: "text?",
  last_name: "text?",
  display_name: "text",
  created_at: "int",
  first_name_folded: "text?",
  last_name_folded: "text?",
  display_name_folded: "text",
} as const;

const EMAIL_FIELDS = {
  contact_id: "bigint",
  email: "text",
  is_primary: "boolean",
  location_type: "text",
  position: "int",
} as const;

const LINK_FIELDS = {
  domain_id: "int",
  user_id: "bigint",
  contact_id: "bigint",
  uf_name: "text",
  uf_name_key: "text",
  created_at: "int",
  updated_at: "int",
} as const;

const AUDIT_FIELDS = {
  at: "int",
  domain_id: "int",
  user_id: "bigint?",
  contact_id: "bigint",
  action: "text",
  trigger: "text",
} as const;

/**
 * All of a batch's writes: the inserts are data-modifying parts of one query, each table's
 * rows read by name from one JSON parameter of objects (far cheaper to build and send than a
 * typed array per column); an instant is sent once, as an index into the batch's instants.
 * The audit's `seq` is drawn row by row in ordinality order, so the entries keep the given
 * order.
 */
const WRITE = preparedStatement(
  "civilink_sync_write",
  `with batch as (select ?::timestamptz[] as instants),
   new_contacts as (
     insert into contacts
       (id, contact_type, first_name, last_name, display_name, is_deleted, created_at,
        first_name_folded, last_name_folded, display_name_folded)
     select r.id, r.contact_type, r.first_name, r.last_name, r.display_name, false,
            instants[r.created_at], r.first_name_folded, r.last_name_folded, r.display_name_folded
       from batch, json_to_recordset(?::json) as r(${definitionList(CONTACT_FIELDS)})
   ), new_emails as (
     insert into contact_emails (contact_id, email, is_primary, location_type, position)
     select r.contact_id, r.email, r.is_primary, r.location_type, r.position
       from json_to_recordset(?::json) as r(${definitionList(EMAIL_FIELDS)})
   ), new_links as (
     insert into links
       (domain_id, user_id, contact_id, uf_name, uf_name_key, created_at, updated_at)
     select r.domain_id, r.user_id, r.contact_id, r.uf_name, r.uf_name_key,
            instants[r.created_at], instants[r.updated_at]
       from batch, json_to_recordset(?::json) as r(${definitionList(LINK_FIELDS)})
   )
   insert into audit_entries (at, domain_id, user_id, contact_id, action, trigger)
   select instants[r.at], r.domain_id, r.user_id, r.contact_id, r.action, r.trigger
     from batch,
          rows from (json_to_recordset(?::json) as (${definitionList(AUDIT_FIELDS)}))
            with ordinality as r(${Object.keys(AUDIT_FIELDS).join(", ")}, ord)
    order by r.ord`,
);

/**
 * The set-based batch work of §9: every method is one statement for the whole batch (the
 * keys of a read passed as one array, a write's rows as one JSON parameter), so a batch costs
 * the same few round trips whatever its size.
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

  /**
   * One range scan of the directory from the least to the greatest id (a sync asks for a
   * keyset page, whose range holds its users and at most the few added since) joined to the
   * same range of the links' key.
   */
  async usersWithLinks(domainId: DomainId, userIds: readonly UserId[]): Promise<BatchUsers> {
    if (userIds.length === 0) return { users: [], links: [] };
    const wanted = new Set(userIds);
    let least = userIds[0] as UserId;
    let greatest = least;
    for (const id of userIds) {
      if (id < least) least = id;
      if (id > greatest) greatest = id;
    }
    const rows = await USERS_WITH_LINKS<UserRow & JoinedLinkColumns>(this.db, [
      String(least),
      String(greatest),
      domainId,
      String(least),
      String(greatest),
    ]);
    const users: CmsUser[] = [];
    const links: Link[] = [];
    for (const row of rows) {
      const user = userOf(row);
      if (!wanted.has(user.userId)) continue;
      users.push(user);
      const link = joinedLinkOf(row, domainId, user.userId);
      if (link) links.push(link);
    }
    return { users, links };
  }

  async candidatesByEmailKeys(
    domainId: DomainId,
    keys: readonly string[],
  ): Promise<EmailKeyCandidates> {
    if (keys.length === 0) return { contacts: [], linkedInDomain: new Set() };
    const rows = await CANDIDATES<CandidateRow>(this.db, [[...new Set(keys)], domainId]);
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
   * Ids drawn from the contacts' sequence and given out in ascending order, so that they
   * ascend in the order of the contacts, as one insert after the other would number them.
   */
  async reserveContactIds(count: number): Promise<ContactId[]> {
    if (count === 0) return [];
    const rows = await CONTACT_IDS<{ id: unknown }>(this.db, [count]);
    return rows.map((row) => num(row.id)).sort((a, b) => a - b);
  }

  /** One statement, `WRITE`. */
  async write({ contacts, links, audit }: BatchWrites): Promise<void> {
    if (contacts.length + links.length + audit.length === 0) return;
    this.statistics.grew(links.length);
    const instants = new Instants();
    const contactRows = contacts.map(
      (contact): JsonRow<typeof CONTACT_FIELDS> => ({
        id: contact.id,
        contact_type: contact.contactType,
        first_name: contact.firstName ?? null,
        last_name: contact.lastName ?? null,
        display_name: contact.displayName,
        created_at: instants.indexOf(contact.createdAt),
        ...foldedNameColumns(contact),
      }),
    );
    const emailRows = contacts.flatMap((contact) =>
      contact.emails.map(
        (email, position): JsonRow<typeof EMAIL_FIELDS> => ({
          contact_id: contact.id,
          email: email.email,
          is_primary: email.isPrimary,
          location_type: email.locationType,
          position,
        }),
      ),
    );
    const linkRows = links.map(
      (link): JsonRow<typeof LINK_FIELDS> => ({
        domain_id: link.domainId,
        user_id: link.userId,
        contact_id: link.contactId,
        uf_name: link.ufName,
        uf_name_key: emailKeyOf(link.ufName),
        created_at: instants.indexOf(link.createdAt),
        updated_at: instants.indexOf(link.updatedAt),
      }),
    );
    const auditRows = audit.map(
      (entry): JsonRow<typeof AUDIT_FIELDS> => ({
        at: instants.indexOf(entry.at),
        domain_id: entry.domainId,
        user_id: entry.userId,
        contact_id: entry.contactId,
        action: entry.action,
        trigger: entry.trigger,
      }),
    );
    await WRITE(this.db, [
      instants.isoStrings(),
      JSON.stringify(contactRows),
      JSON.stringify(emailRows),
      JSON.stringify(linkRows),
      JSON.stringify(auditRows),
    ]);
  }
}

/** The distinct instants of a batch (all its writes share one or two), numbered from 1. */
class Instants {
  private readonly numbers = new Map<number, number>();
  private readonly dates: Date[] = [];

  indexOf(date: Date): number {
    const time = date.getTime();
    let number = this.numbers.get(time);
    if (number === undefined) {
      this.dates.push(date);
      number = this.dates.length;
      this.numbers.set(time, number);
    }
    return number;
  }

  isoStrings(): string[] {
    return this.dates.map((date) => date.toISOString());
  }
}
