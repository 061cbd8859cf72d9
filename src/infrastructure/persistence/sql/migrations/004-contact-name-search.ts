import type { Knex } from "knex";
import { foldName } from "../../../../domain/index.js";

const NAMES_PER_UPDATE = 5000;
const INDEX = "contacts_by_folded_name";

/**
 * The contacts' names as the name search compares them (`foldName`), kept beside the names:
 * folded in JavaScript, like the in-memory store folds them, the search finds the same contacts
 * on every store whatever the database's locale (PGlite's and a server's `lower()` differ).
 *
 * On PostgreSQL a trigram index (pg_trgm) then serves `like '%…%'` on the three columns, so a
 * search that matches few contacts does not read them all. The extension is used where it is
 * installed, or installed when the migrating role may; without it (PGlite, or a server that
 * lacks it) there is no index and the search reads every contact's folded names.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("contacts", (table) => {
    table.text("first_name_folded");
    table.text("last_name_folded");
    table.text("display_name_folded");
  });
  await foldExistingNames(knex);
  await createTrigramIndex(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists ${INDEX}`);
  await knex.schema.alterTable("contacts", (table) => {
    table.dropColumns("first_name_folded", "last_name_folded", "display_name_folded");
  });
}

interface NameRow {
  id: unknown;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
}

async function foldExistingNames(knex: Knex): Promise<void> {
  for (let after = "0"; ; ) {
    const rows = (await knex("contacts")
      .select("id", "first_name", "last_name", "display_name")
      .where("id", ">", after)
      .orderBy("id")
      .limit(NAMES_PER_UPDATE)) as NameRow[];
    const last = rows.at(-1);
    if (!last) return;
    const folded = rows.map((row) => ({
      id: String(row.id),
      first: row.first_name === null ? null : foldName(row.first_name),
      last: row.last_name === null ? null : foldName(row.last_name),
      display: foldName(row.display_name),
    }));
    await knex.raw(
      `update contacts c
          set first_name_folded = v.first, last_name_folded = v.last,
              display_name_folded = v.display
         from jsonb_to_recordset(?::jsonb) as v(id bigint, first text, last text, display text)
        where c.id = v.id`,
      [JSON.stringify(folded)],
    );
    after = String(last.id);
  }
}

/** In a savepoint of its own: where pg_trgm cannot be had, the migration goes on without it. */
async function createTrigramIndex(knex: Knex): Promise<void> {
  try {
    await knex.transaction(async (savepoint) => {
      const schema = (await trigramSchema(savepoint)) ?? (await installTrigrams(savepoint));
      await savepoint.raw(
        `create index ${INDEX} on contacts using gin
           (first_name_folded ??.gin_trgm_ops, last_name_folded ??.gin_trgm_ops,
            display_name_folded ??.gin_trgm_ops)`,
        [schema, schema, schema],
      );
    });
  } catch {
    // No trigram index: the search still finds the same contacts, reading them all.
  }
}

async function trigramSchema(knex: Knex): Promise<string | null> {
  const { rows } = (await knex.raw(
    `select n.nspname as schema from pg_extension e
       join pg_namespace n on n.oid = e.extnamespace
      where e.extname = 'pg_trgm'`,
  )) as { rows: { schema: string }[] };
  return rows[0]?.schema ?? null;
}

/**
 * Installed in `public` where there is one: an extension belongs to the schema it is created
 * in, and one created in a civilink schema would go, with the trigram index of every other
 * schema of the database, when that schema is dropped.
 */
async function installTrigrams(knex: Knex): Promise<string> {
  try {
    await knex.transaction((savepoint) =>
      savepoint.raw("create extension if not exists pg_trgm with schema public"),
    );
  } catch {
    await knex.raw("create extension if not exists pg_trgm");
  }
  const schema = await trigramSchema(knex);
  if (schema === null) throw new Error("pg_trgm was not installed.");
  return schema;
}
