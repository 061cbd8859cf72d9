import type { Knex } from "knex";

/**
 * `civilink_link_listed`: §3 steps 1-5 and 7 for a batch of users, decided by PostgreSQL in
 * one call, for the dedupe rules where email alone decides (docs/sync-in-the-store.md). It takes
 * the batch's advisory locks, then, in one statement (so one snapshot, taken after the locks):
 *
 * - reads each listed user again, with its link; a user that vanished or whose profile is no
 *   longer the listed one makes the whole batch `users-changed`;
 * - finds the free candidates of the unlinked users' email keys (live Individuals with an email
 *   of the key, linked to no user of the domain), a primary-email match first, then by id;
 *   a candidate of two keys makes the batch `shared-candidate` (which user takes it depends
 *   on the users' order across keys: the caller decides that batch itself);
 * - else the k-th unlinked user of a key, in the listed order, takes the k-th candidate of
 *   the key, and a user left without one gets the new contact the caller described, its id
 *   drawn from the sequence in the listed order; links and audit entries follow that order.
 *
 * An undecided batch writes nothing and answers one row, its reason; a decided one answers each
 * user's outcome.
 *
 * The listed users come as a JSON array, in order, of objects with short keys, each left out
 * where it can be derived, so that a batch's parameter stays small: `u` the user id; `e`, `f`,
 * `l`, `n` its email, first name, last name and name as listed; `v: false` when the email is
 * not valid, else `k` its key and `a` its trimmed address where not `e` itself; the new
 * contact's first and last names `cf`, `cl` where not `f`, `l` (`""` for none), its display
 * name `cd` where not the names joined or else the key, the folded names `ff`, `fl`, `fd` where
 * the name is not ASCII (ASCII is folded here), its email's location type `lt` where not Home.
 *
 * Every row of the tables is found through an index, one lookup per listed user or key
 * (`lateral … offset 0`): the planner cannot know how many rows the batch's JSON holds, and
 * guesses so few that it would join the intermediate results by nested loops, which grow with
 * the square of the batch, or scan whole tables. Nested loops are therefore off in the function,
 * except the index lookups, which have no other plan; so is JIT compilation, which the cost
 * that switch adds would otherwise start at every call, for longer than the statement runs.
 *
 * The statement is frozen here, as migrations are: later changes to the store's other
 * statements do not change it.
 */
/** `foldName` of ASCII text, whatever the database's locale (a Turkish one lower-cases I to ı). */
const ASCII_LOWER = `
create function civilink_ascii_lower(text) returns text language sql immutable strict as
  $$ select translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$`;

const CREATE = `
create function civilink_link_listed(
  p_lock_space int, p_buckets int[], p_domain int, p_listed json, p_at timestamptz,
  p_trigger text, p_with_candidates boolean)
returns table (listed_user bigint, answer text)
language plpgsql volatile
set enable_nestloop = off
set jit = off
as $fn$
declare
  contact_ids regclass := pg_get_serial_sequence('contacts', 'id')::regclass;
begin
  perform pg_advisory_xact_lock(p_lock_space, bucket) from unnest(p_buckets) as bucket;
  return query
  with given as (
    select *
      from rows from (json_to_recordset(p_listed) as (
             u bigint, e text, f text, l text, n text, v boolean, k text, a text,
             cf text, cl text, cd text, ff text, fl text, fd text, lt text))
             with ordinality as r(u, e, f, l, n, v, k, a, cf, cl, cd, ff, fl, fd, lt, ord)
  ), named as (
    select g.*, case when g.v is false then null else coalesce(g.k, g.e) end as key,
           case when g.cf = '' then null else coalesce(g.cf, g.f) end as contact_first,
           case when g.cl = '' then null else coalesce(g.cl, g.l) end as contact_last
      from given g
  ), listed as (
    select m.ord, m.u as user_id, m.e as email, m.f as first_name, m.l as last_name,
           m.n as name, m.key, coalesce(m.a, m.e) as uf_name, m.contact_first, m.contact_last,
           d.display as contact_display,
           coalesce(m.ff, civilink_ascii_lower(m.contact_first)) as first_folded,
           coalesce(m.fl, civilink_ascii_lower(m.contact_last)) as last_folded,
           coalesce(m.fd, civilink_ascii_lower(d.display)) as display_folded,
           coalesce(m.lt, 'Home') as location_type
      from named m
     cross join lateral (
       select coalesce(m.cd, nullif(concat_ws(' ', m.contact_first, m.contact_last), ''), m.key)
              as display) d
  ), present as (
    select l.*, u.user_id is not null as found,
           u.email is not distinct from l.email
             and u.first_name is not distinct from l.first_name
             and u.last_name is not distinct from l.last_name
             and u.name is not distinct from l.name as unchanged,
           k.contact_id as linked_to
      from listed l
      left join lateral (
        select * from users u where u.domain_id = p_domain and u.user_id = l.user_id offset 0
      ) u on true
      left join lateral (
        select k.contact_id from links k
         where k.domain_id = p_domain and k.user_id = l.user_id offset 0
      ) k on true
  ), open as (
    select p.*, row_number() over (partition by p.key order by p.ord) as place
      from present p
     where p.linked_to is null and p.key is not null
  ), candidates as (
    select k.key, e.contact_id,
           row_number() over (partition by k.key order by e.is_primary desc, e.contact_id) as place
      from (select distinct o.key from open o) k
     cross join lateral (
       select e.contact_id, e.is_primary from contact_emails e where e.email = k.key offset 0) e
     cross join lateral (
       select 1 from contacts c
        where c.id = e.contact_id and not c.is_deleted and c.contact_type = 'Individual'
       offset 0) c
     cross join lateral (
       select not exists (
         select 1 from links t where t.domain_id = p_domain and t.contact_id = e.contact_id
       ) as free offset 0) f
     where p_with_candidates and f.free
  ), verdict as (
    select case
             when exists (select 1 from present p where not p.found or not p.unchanged)
               then 'users-changed'
             when exists (select 1 from candidates c group by c.contact_id having count(*) > 1)
               then 'shared-candidate'
           end as undecided
  ), decided as (
    select o.*, c.contact_id as existing,
           row_number() over (partition by c.contact_id is null order by o.ord) as creation
      from open o
      left join candidates c on c.key = o.key and c.place = o.place
     where (select undecided from verdict) is null
  ), new_ids as (
    select id, row_number() over (order by id) as creation
      from (select nextval(contact_ids) as id
              from generate_series(1, (select count(*) from decided d where d.existing is null))
           ) drawn
  ), linking as (
    select d.*, coalesce(d.existing, n.id) as contact_id
      from decided d
      left join new_ids n on d.existing is null and n.creation = d.creation
  ), new_contacts as (
    insert into contacts
      (id, contact_type, first_name, last_name, display_name, is_deleted, created_at,
       first_name_folded, last_name_folded, display_name_folded)
    select l.contact_id, 'Individual', l.contact_first, l.contact_last, l.contact_display,
           false, p_at, l.first_folded, l.last_folded, l.display_folded
      from linking l where l.existing is null
  ), new_emails as (
    insert into contact_emails (contact_id, email, is_primary, location_type, position)
    select l.contact_id, l.key, true, l.location_type, 0 from linking l where l.existing is null
  ), new_links as (
    insert into links
      (domain_id, user_id, contact_id, uf_name, uf_name_key, created_at, updated_at)
    select p_domain, l.user_id, l.contact_id, l.uf_name, l.key, p_at, p_at from linking l
  ), new_audit as (
    insert into audit_entries (at, domain_id, user_id, contact_id, action, trigger)
    select p_at, p_domain, l.user_id, l.contact_id,
           case when l.existing is null then 'created-contact' else 'linked-existing' end,
           p_trigger
      from linking l
     order by l.ord
  )
  select null::bigint, v.undecided from verdict v where v.undecided is not null
  union all
  select p.user_id,
         case when p.linked_to is not null then 'already-linked'
              when p.key is null then 'skipped'
              when l.existing is null then 'created-contact'
              else 'linked-existing' end
    from present p
    left join linking l on l.ord = p.ord
   where (select undecided from verdict) is null;
end
$fn$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(ASCII_LOWER);
  await knex.raw(CREATE);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    "drop function if exists civilink_link_listed(int, int[], int, json, timestamptz, text, boolean)",
  );
  await knex.raw("drop function if exists civilink_ascii_lower(text)");
}
