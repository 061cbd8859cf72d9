/**
 * The plain-SQL floor of a sync: the rows SynchronizeAllUsers writes for a seeded directory,
 * written by one `INSERT … SELECT` over a range of users, with the same columns and values as
 * the sync's WRITE statement (sql-bulk-links.ts): a new contact (folded names included) and
 * its primary email for each user that needs one, a link for every user that gets one, one
 * audit entry per link in user order.
 *
 * The SELECT does only the lookups no sync can do without: each user's link (an already
 * linked user is left alone), the contacts holding its email key that no user of the domain
 * is linked to (the lowest id wins; `seedSyncDirectory` gives a key at most one contact),
 * and the contacts' sequence for the new ids, drawn in user order as the sync draws them.
 * No locks, no ranking, no round trip per batch. JIT compilation is off: for a statement of this
 * estimated cost PostgreSQL would spend longer compiling it than running it, while the sync's
 * small statements never reach the JIT's threshold. A user whose trimmed email is empty is
 * skipped: the seed has no other invalid email.
 */
import type { Knex } from "knex";

const FLOOR_SQL = `
with plan as (
  select u.domain_id, u.user_id, trim(u.email) as address, lower(trim(u.email)) as key,
         nullif(trim(u.first_name), '') as first_name, nullif(trim(u.last_name), '') as last_name,
         m.contact_id
    from users u
    left join lateral (
      select e.contact_id
        from contact_emails e
        join contacts c on c.id = e.contact_id and not c.is_deleted
             and c.contact_type = 'Individual'
       where e.email = lower(trim(u.email))
         and not exists (
           select 1 from links k where k.contact_id = e.contact_id and k.domain_id = u.domain_id)
       order by e.contact_id
       limit 1) m on true
   where u.domain_id = ? and u.user_id between ? and ?
     and trim(coalesce(u.email, '')) <> ''
     and not exists (
       select 1 from links l where l.domain_id = u.domain_id and l.user_id = u.user_id)
   order by u.user_id
), numbered as (
  select p.*,
         case when p.contact_id is null
              then nextval((select pg_get_serial_sequence('contacts', 'id')::regclass)) end
           as new_id,
         coalesce(nullif(concat_ws(' ', p.first_name, p.last_name), ''), p.key) as display_name
    from plan p
), new_contacts as (
  insert into contacts
    (id, contact_type, first_name, last_name, display_name, is_deleted, created_at,
     first_name_folded, last_name_folded, display_name_folded)
  select new_id, 'Individual', first_name, last_name, display_name, false, now(),
         lower(first_name), lower(last_name), lower(display_name)
    from numbered where new_id is not null
), new_emails as (
  insert into contact_emails (contact_id, email, is_primary, location_type, position)
  select new_id, key, true, 'Home', 0 from numbered where new_id is not null
), new_links as (
  insert into links (domain_id, user_id, contact_id, uf_name, uf_name_key, created_at, updated_at)
  select domain_id, user_id, coalesce(contact_id, new_id), address, key, now(), now()
    from numbered
)
insert into audit_entries (at, domain_id, user_id, contact_id, action, trigger)
select now(), domain_id, user_id, coalesce(contact_id, new_id),
       case when new_id is null then 'linked-existing' else 'created-contact' end, 'sync'
  from numbered
 order by user_id`;

/**
 * Writes the floor for users 1..users of the domain: in one transaction when `groupSize` is
 * null, else in groups of `groupSize` users, a transaction each.
 */
export async function writeFloor(
  sql: Knex,
  domainId: number,
  users: number,
  groupSize: number | null,
): Promise<void> {
  const size = groupSize ?? users;
  for (let first = 1; first <= users; first += size) {
    const last = Math.min(users, first + size - 1);
    await sql.transaction(async (trx) => {
      await trx.raw("set local jit = off");
      await trx.raw(FLOOR_SQL, [domainId, first, last]);
    });
  }
}

/** What a sync's end state is compared by: each table's rows and a digest of them. */
export interface EndState {
  contacts: number;
  emails: number;
  links: number;
  audit: number;
  /** md5 of every table's rows in key order, instants and the audit's seq left out. */
  digest: string;
}

export async function endState(sql: Knex): Promise<EndState> {
  const { rows } = (await sql.raw(`
    select (select count(*) from contacts)::int as contacts,
           (select count(*) from contact_emails)::int as emails,
           (select count(*) from links)::int as links,
           (select count(*) from audit_entries)::int as audit,
           md5(concat(
             (select md5(string_agg(concat_ws('|', id, contact_type, first_name, last_name,
                       display_name, is_deleted, first_name_folded, last_name_folded,
                       display_name_folded), ',' order by id)) from contacts),
             (select md5(string_agg(concat_ws('|', contact_id, email, is_primary,
                       location_type, position), ',' order by contact_id, email))
                from contact_emails),
             (select md5(string_agg(concat_ws('|', domain_id, user_id, contact_id, uf_name,
                       uf_name_key), ',' order by domain_id, user_id)) from links),
             (select md5(string_agg(concat_ws('|', domain_id, user_id, contact_id, action,
                       trigger), ',' order by seq)) from audit_entries))) as digest`)) as {
    rows: EndState[];
  };
  return rows[0] as EndState;
}

export const describeEndState = (state: EndState) =>
  `${state.contacts} contacts, ${state.emails} emails, ${state.links} links, ${state.audit} audit entries (digest ${state.digest.slice(0, 8)})`;
