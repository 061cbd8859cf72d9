import type { Knex } from "knex";

/**
 * Leaner writes of links and contact emails, which a sync of a large directory writes by the
 * hundred thousand (docs/storage.md, "Integrity without foreign keys"):
 * - no foreign keys from `links` and `contact_emails`: every row they checked (and locked,
 *   `FOR KEY SHARE`, dirtying the contact's or domain's page) is written only for a contact
 *   read or created under the same locks, and contacts and domains are never deleted; the
 *   checks took more than half the time of a link's insert;
 * - one unique index `(contact_id, domain_id)` both keeps a contact to one link per domain
 *   and finds a contact's links, where two indexes did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("alter table links drop constraint links_domain_id_foreign");
  await knex.raw("alter table links drop constraint links_contact_id_foreign");
  await knex.raw("alter table contact_emails drop constraint contact_emails_contact_id_foreign");
  await knex.raw("alter table links drop constraint links_one_per_contact");
  await knex.raw("drop index links_by_contact");
  await knex.raw(
    "alter table links add constraint links_one_per_contact unique (contact_id, domain_id)",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("alter table links drop constraint links_one_per_contact");
  await knex.raw(
    "alter table links add constraint links_one_per_contact unique (domain_id, contact_id)",
  );
  await knex.raw("create index links_by_contact on links (contact_id)");
  await knex.raw(
    `alter table contact_emails add constraint contact_emails_contact_id_foreign
       foreign key (contact_id) references contacts (id) on delete cascade`,
  );
  await knex.raw(
    `alter table links add constraint links_contact_id_foreign
       foreign key (contact_id) references contacts (id)`,
  );
  await knex.raw(
    `alter table links add constraint links_domain_id_foreign
       foreign key (domain_id) references domains (id)`,
  );
}
