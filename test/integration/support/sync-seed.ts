import type { Knex } from "knex";

/**
 * A realistic directory for domain 1, seeded with set-based SQL: users 1..users, by u % 20:
 * 0-7 (40%) match an existing contact by email; 8-9 (10%) are already linked to theirs;
 * 10 (5%) have no email; 11 (5%) give a case or whitespace variant of an existing contact's
 * email; 12-19 (40%) are new (19 shares its email with 18, so two users make one contact).
 * Contact ids equal the user ids of their users. The schema must be migrated, domain 1 there.
 */
export async function seedSyncDirectory(sql: Knex, users: number): Promise<void> {
  await sql.raw(
    `insert into users (domain_id, user_id, email, first_name, last_name)
     select 1, u,
            case when u % 20 between 0 and 7 then 'm' || u || '@x.org'
                 when u % 20 between 8 and 9 then 'l' || u || '@x.org'
                 when u % 20 = 10 then null
                 when u % 20 = 11 and u % 40 < 20 then 'V' || u || '@X.ORG'
                 when u % 20 = 11 then '  v' || u || '@x.org '
                 when u % 20 = 19 then 'n' || (u - 1) || '@x.org'
                 else 'n' || u || '@x.org' end,
            'First' || u, 'Last' || (u % 1000)
       from generate_series(1, ?) u`,
    [users],
  );
  await sql.raw(
    `insert into contacts (id, contact_type, first_name, last_name, display_name, is_deleted, created_at)
     select u, 'Individual', 'First' || u, 'Last' || (u % 1000), 'First' || u, false, now()
       from generate_series(1, ?) u
      where u % 20 <= 9 or u % 20 = 11`,
    [users],
  );
  await sql.raw(
    `insert into contact_emails (contact_id, email, is_primary, location_type, position)
     select id, case when id % 20 <= 7 then 'm' when id % 20 <= 9 then 'l' else 'v' end
                || id || '@x.org', true, 'Home', 0
       from contacts`,
  );
  await sql.raw(
    `insert into links (domain_id, user_id, contact_id, uf_name, uf_name_key, created_at, updated_at)
     select 1, id, id, 'l' || id || '@x.org', 'l' || id || '@x.org', now(), now()
       from contacts where id % 20 between 8 and 9`,
  );
  await sql.raw(
    "select setval(pg_get_serial_sequence('contacts', 'id'), greatest((select max(id) from contacts), 1))",
  );
  await sql.raw("analyze users, contacts, contact_emails, links");
}
