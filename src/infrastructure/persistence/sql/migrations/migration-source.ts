import type { Knex } from "knex";
import * as initialSchema from "./001-initial-schema.js";
import * as syncJobHeartbeat from "./002-sync-job-heartbeat.js";
import * as leanLinkWrites from "./003-lean-link-writes.js";
import * as contactNameSearch from "./004-contact-name-search.js";
import * as outboxByUser from "./005-outbox-by-user.js";
import * as linkListedUsers from "./006-link-listed-users.js";

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * The migrations, imported statically: knex cannot load `.ts` files from a directory under
 * every loader (vitest, tsx, compiled), but it can take them from this source.
 */
const MIGRATIONS: Record<string, Migration> = {
  "001-initial-schema": initialSchema,
  "002-sync-job-heartbeat": syncJobHeartbeat,
  "003-lean-link-writes": leanLinkWrites,
  "004-contact-name-search": contactNameSearch,
  "005-outbox-by-user": outboxByUser,
  "006-link-listed-users": linkListedUsers,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`Unknown migration ${name}.`);
    return migration;
  },
};
