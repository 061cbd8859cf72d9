import type { Knex } from "knex";

/** The outbox events of one user of a domain, oldest first, without reading the others. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index outbox_by_user on outbox_events (domain_id, user_id, seq)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("drop index if exists outbox_by_user");
}
