import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import knex, { type Knex } from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { defaultDomain, SqlStore } from "../../src/index.js";
import { migrationSource } from "../../src/infrastructure/persistence/sql/migrations/migration-source.js";
import { connect } from "../../src/infrastructure/persistence/sql/sql-connection.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";

/**
 * The migrations up and down, on both SQL engines: the tables and the key constraints of
 * §1 (one link per user and per contact in a domain, ufName not unique, one primary
 * email per contact), rolled back to nothing, migrated again, and migrated twice.
 */

const TABLES = [
  "audit_entries",
  "contact_emails",
  "contacts",
  "domains",
  "links",
  "outbox_events",
  "sync_jobs",
  "users",
];
/** Every migration, in the order they run. */
const MIGRATIONS = [
  "001-initial-schema",
  "002-sync-job-heartbeat",
  "003-lean-link-writes",
  "004-contact-name-search",
  "005-outbox-by-user",
  "006-link-listed-users",
];
/** knex's own bookkeeping, which stays after a rollback. */
const KNEX_TABLES = ["knex_migrations", "knex_migrations_lock"];

/** Plain SQL on the database a store migrates, not through the store. */
interface Probe {
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

/** An engine to migrate: a store on a fresh database, and more stores on the same one. */
interface Engine {
  /** A fresh, empty database (schema) with a probe on it. */
  fresh(): Promise<Database>;
}

interface Database {
  /** A new store on this database; several may be open at once. */
  open(): SqlStore;
  probe: Probe;
  /** A plain knex on this database, closed with it. */
  knex(): Knex;
}

const domains = [defaultDomain("drupal")];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const pglite: Engine = {
  fresh: async () => {
    const db = new PGlite();
    const stores: SqlStore[] = [];
    // Closing a store closes the PGlite under it: close them all, then the PGlite, once.
    cleanups.push(async () => {
      for (const store of stores) await store.close().catch(() => undefined);
      if (!db.closed) await db.close();
    });
    return {
      open: () => {
        const store = SqlStore.open({ connection: { kind: "pglite", pglite: db }, domains });
        stores.push(store);
        return store;
      },
      probe: {
        rows: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
      },
      // Not destroyed: destroying knex-pglite closes the PGlite, which the cleanup does.
      knex: () => connect({ kind: "pglite", pglite: db }),
    };
  },
};

const postgres: Engine = {
  fresh: async () => {
    const schema = `mig_${process.pid}_${randomBytes(6).toString("hex")}`;
    const stores: SqlStore[] = [];
    const probeKnex: Knex = knex({
      client: "pg",
      connection: TEST_DATABASE_URL,
      searchPath: [schema],
      pool: { min: 0, max: 2 },
    });
    await probeKnex.raw("create schema ??", [schema]);
    cleanups.push(async () => {
      for (const store of stores) await store.close();
      try {
        await probeKnex.raw("drop schema if exists ?? cascade", [schema]);
      } finally {
        await probeKnex.destroy();
      }
    });
    return {
      open: () => {
        const store = SqlStore.open({
          connection: { kind: "postgres", url: TEST_DATABASE_URL, schema, poolSize: 4 },
          domains,
        });
        stores.push(store);
        return store;
      },
      probe: {
        rows: async (sql) => (await probeKnex.raw(sql)).rows,
      },
      knex: () => probeKnex,
    };
  },
};

async function tablesOf(probe: Probe): Promise<string[]> {
  const rows = await probe.rows(
    "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name",
  );
  return rows.map((row) => String(row.table_name));
}

async function foreignKeysOf(probe: Probe): Promise<string[]> {
  const rows = await probe.rows(
    "select conrelid::regclass::text || '.' || conname as name from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace order by name",
  );
  return rows.map((row) => String(row.name));
}

async function migrationsRun(probe: Probe): Promise<string[]> {
  const rows = await probe.rows("select name from knex_migrations order by id");
  return rows.map((row) => String(row.name));
}

/** The error a statement fails with, or null when it succeeds. */
async function failureOf(
  probe: Probe,
  sql: string,
): Promise<{ code: string | undefined; constraint: string | undefined } | null> {
  try {
    await probe.rows(sql);
    return null;
  } catch (cause) {
    const { code, constraint } = cause as { code?: string; constraint?: string };
    return { code, constraint };
  }
}

const contactSql = (id: number) =>
  `insert into contacts (id, contact_type, display_name, created_at) values (${id}, 'Individual', 'C${id}', now())`;
const linkSql = (userId: number, contactId: number, ufName: string, domainId = 1) =>
  `insert into links (domain_id, user_id, contact_id, uf_name, uf_name_key, created_at, updated_at) values (${domainId}, ${userId}, ${contactId}, '${ufName}', lower('${ufName}'), now(), now())`;
const emailSql = (contactId: number, email: string, isPrimary: boolean, position: number) =>
  `insert into contact_emails (contact_id, email, is_primary, location_type, position) values (${contactId}, '${email}', ${isPrimary}, 'Home', ${position})`;

/** The key constraints of §1 hold, checked by writing rows that break them. */
async function expectKeyConstraints(probe: Probe) {
  for (const id of [1, 2, 3]) expect(await failureOf(probe, contactSql(id))).toBeNull();
  await probe.rows(
    "insert into domains (id, name, cms, sync_cms_email, dedupe_rule) values (2, 'Other', 'joomla', true, '{}')",
  );

  // ufName is not unique: two users of one domain may share it.
  expect(await failureOf(probe, linkSql(5, 1, "a@x.org"))).toBeNull();
  expect(await failureOf(probe, linkSql(6, 2, "a@x.org"))).toBeNull();
  expect(await failureOf(probe, linkSql(7, 3, "A@X.org"))).toBeNull();
  // One link per user in a domain…
  expect(await failureOf(probe, linkSql(5, 3, "c@x.org"))).toEqual({
    code: "23505",
    constraint: "links_pkey",
  });
  // …and one per contact in a domain.
  expect(await failureOf(probe, linkSql(8, 1, "d@x.org"))).toEqual({
    code: "23505",
    constraint: "links_one_per_contact",
  });
  // Both are per domain: the same user and contact may be linked in another domain.
  expect(await failureOf(probe, linkSql(5, 1, "a@x.org", 2))).toBeNull();
  // Links and emails are written only for contacts read or created under the same locks and
  // are not checked again by foreign keys (003, docs/storage.md).
  expect(await foreignKeysOf(probe)).toEqual(["users.users_domain_id_foreign"]);

  // One primary email per contact; other emails as many as wanted.
  expect(await failureOf(probe, emailSql(1, "a@x.org", true, 0))).toBeNull();
  expect(await failureOf(probe, emailSql(1, "b@x.org", false, 1))).toBeNull();
  expect(await failureOf(probe, emailSql(1, "c@x.org", false, 2))).toBeNull();
  expect(await failureOf(probe, emailSql(1, "d@x.org", true, 3))).toEqual({
    code: "23505",
    constraint: "contact_emails_one_primary",
  });
  // An address once per contact, but shared by contacts.
  expect((await failureOf(probe, emailSql(1, "b@x.org", false, 4)))?.code).toBe("23505");
  expect(await failureOf(probe, emailSql(2, "a@x.org", true, 0))).toBeNull();

  const links = await probe.rows("select count(*)::int as n from links");
  expect(links[0]?.n).toBe(4);

  // One running sync job per domain, ended ones as many as wanted; a job has a heartbeat (002).
  const jobSql = (id: string, status: string, heartbeat = "now()") =>
    `insert into sync_jobs (id, domain_id, status, dry_run, started_at, heartbeat_at, report, failures) values ('${id}', 1, '${status}', false, now(), ${heartbeat}, '{}', '[]')`;
  expect(await failureOf(probe, jobSql("j1", "running"))).toBeNull();
  expect(await failureOf(probe, jobSql("j2", "succeeded"))).toBeNull();
  expect(await failureOf(probe, jobSql("j3", "running"))).toEqual({
    code: "23505",
    constraint: "sync_jobs_one_running_per_domain",
  });
  expect((await failureOf(probe, jobSql("j4", "failed", "null")))?.code).toBe("23502");
}

/** The migrations up to and including `last`, as the source a database of that time ran. */
const migrationsUpTo = (last: string): Knex.MigrationSource<string> => ({
  ...migrationSource,
  getMigrations: async () =>
    (await migrationSource.getMigrations([])).filter((migration) => migration <= last),
});

async function indexesOf(probe: Probe, table: string): Promise<string[]> {
  const rows = await probe.rows(
    `select indexname from pg_indexes where schemaname = current_schema() and tablename = '${table}' order by indexname`,
  );
  return rows.map((row) => String(row.indexname));
}

async function functionsOf(probe: Probe): Promise<string[]> {
  const rows = await probe.rows(
    `select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = current_schema() order by p.proname`,
  );
  return rows.map((row) => String(row.proname));
}

function describeMigrations(name: string, engine: Engine) {
  describe(`migrations on ${name}`, () => {
    it("004 folds the names of the contacts already there, 005 indexes the outbox by user, 006 adds the batch function", async () => {
      const { knex: knexOf, probe } = await engine.fresh();
      const db = knexOf();
      await db.migrate.latest({ migrationSource: migrationsUpTo("003-lean-link-writes") });
      await probe.rows(
        `insert into contacts (id, contact_type, first_name, last_name, display_name, created_at)
         values (1, 'Individual', 'ÉLODIE', 'Ström', 'ÉLODIE Ström', now()),
                (2, 'Organization', null, null, 'ΟΔΟΣ 50%_off', now())`,
      );
      await db.migrate.latest({ migrationSource });
      expect(await migrationsRun(probe)).toEqual(MIGRATIONS);
      expect(
        await probe.rows(
          "select id::int as id, first_name_folded, last_name_folded, display_name_folded from contacts order by id",
        ),
      ).toEqual([
        {
          id: 1,
          first_name_folded: "élodie",
          last_name_folded: "ström",
          display_name_folded: "élodie ström",
        },
        {
          id: 2,
          first_name_folded: null,
          last_name_folded: null,
          display_name_folded: "οδοσ 50%_off",
        },
      ]);
      expect(await indexesOf(probe, "outbox_events")).toContain("outbox_by_user");
      // A trigram index only where pg_trgm is: the test PostgreSQL has it, PGlite does not.
      const trigrams = (await indexesOf(probe, "contacts")).includes("contacts_by_folded_name");
      expect(trigrams).toBe(name === "postgres");
      // pg_trgm outside the schema: dropping the schema must not take other schemas' indexes.
      const extension = await probe.rows(
        `select n.nspname = current_schema() as here from pg_extension e
           join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`,
      );
      expect(extension).toEqual(name === "postgres" ? [{ here: false }] : []);
      expect(await functionsOf(probe)).toEqual(["civilink_ascii_lower", "civilink_link_listed"]);
    });

    it("create every table with its key constraints, roll back to nothing and migrate again", async () => {
      const { open, probe } = await engine.fresh();
      const store = open();
      await store.migrate();
      expect(await tablesOf(probe)).toEqual([...TABLES, ...KNEX_TABLES].sort());
      expect(await migrationsRun(probe)).toEqual(MIGRATIONS);
      expect(await probe.rows("select id, cms from domains")).toEqual([{ id: 1, cms: "drupal" }]);
      await expectKeyConstraints(probe);

      await store.rollbackAll();
      expect(await tablesOf(probe)).toEqual(KNEX_TABLES);
      expect(await functionsOf(probe)).toEqual([]);
      expect(await migrationsRun(probe)).toEqual([]);

      await store.migrate();
      expect(await tablesOf(probe)).toEqual([...TABLES, ...KNEX_TABLES].sort());
      expect(await migrationsRun(probe)).toEqual(MIGRATIONS);
      // Fresh tables: nothing of before the rollback, the default domain created again.
      expect(await probe.rows("select count(*)::int as n from links")).toEqual([{ n: 0 }]);
      expect(await probe.rows("select id from domains")).toEqual([{ id: 1 }]);
      await expectKeyConstraints(probe);
      expect(await store.ping()).toBe(true);
    });

    it("migrating a migrated database again changes nothing", async () => {
      const { open, probe } = await engine.fresh();
      await open().migrate();
      await probe.rows(contactSql(1));
      await probe.rows(linkSql(5, 1, "a@x.org"));

      // A second store on the same database, as a restarted process would open.
      const again = open();
      await again.migrate();
      await again.migrate();
      expect(await migrationsRun(probe)).toEqual(MIGRATIONS);
      expect(await tablesOf(probe)).toEqual([...TABLES, ...KNEX_TABLES].sort());
      expect(await probe.rows("select user_id::int as user_id from links")).toEqual([
        { user_id: 5 },
      ]);
      expect(await probe.rows("select id from domains")).toEqual([{ id: 1 }]);
      expect(await probe.rows("select is_locked from knex_migrations_lock")).toEqual([
        { is_locked: 0 },
      ]);
    });
  });
}

describeMigrations("pglite", pglite);

if (await shouldRun(postgresTestStore)) {
  describeMigrations("postgres", postgres);

  describe("concurrent migrations on postgres", () => {
    it("two stores migrating the same fresh schema at the same moment both succeed", async () => {
      // A few rounds, each on a fresh schema, to give the race a chance.
      for (let round = 0; round < 5; round++) {
        const { open, probe } = await postgres.fresh();
        const [first, second] = [open(), open()];
        const outcomes = await Promise.allSettled([first.migrate(), second.migrate()]);
        expect(outcomes, `round ${round}`).toEqual([
          { status: "fulfilled", value: undefined },
          { status: "fulfilled", value: undefined },
        ]);
        expect(await migrationsRun(probe)).toEqual(MIGRATIONS);
        expect(await tablesOf(probe)).toEqual([...TABLES, ...KNEX_TABLES].sort());
        expect(await probe.rows("select id from domains")).toEqual([{ id: 1 }]);
        // One unlocked lock row: two would leave knex unable to ever take its lock.
        expect(await probe.rows("select is_locked from knex_migrations_lock")).toEqual([
          { is_locked: 0 },
        ]);
        expect(await Promise.all([first.ping(), second.ping()])).toEqual([true, true]);
      }
    });
  });
} else {
  describe.skip("migrations on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
