import type { Knex } from "knex";

/**
 * The heartbeat of a running sync job: the process running it refreshes it, so that a job
 * whose process died can be told apart from a long one, failed, and no longer block its
 * domain (the partial unique index of 001 allows one running job per domain).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("sync_jobs", (table) => {
    table.timestamp("heartbeat_at", { useTz: true });
  });
  await knex("sync_jobs").update({ heartbeat_at: knex.raw("coalesce(finished_at, started_at)") });
  await knex.raw("alter table sync_jobs alter column heartbeat_at set not null");
  await knex.raw(
    "create index sync_jobs_running_by_heartbeat on sync_jobs (heartbeat_at) where status = 'running'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("drop index if exists sync_jobs_running_by_heartbeat");
  await knex.schema.alterTable("sync_jobs", (table) => {
    table.dropColumn("heartbeat_at");
  });
}
