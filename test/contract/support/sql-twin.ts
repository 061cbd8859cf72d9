import { randomBytes } from "node:crypto";
import knex from "knex";
import { SqlStore } from "../../../src/index.js";
import { migratedPglite, TEST_DATABASE_URL } from "../../support/test-stores.js";

/** A migrated SQL store that can be emptied quickly between property runs. */
export interface SqlTwin {
  store: SqlStore;
  /** Empties every table (domains included) and restarts the id sequences. */
  reset(): Promise<void>;
  /** Runs SQL statements on the store's database (and schema). */
  exec(sql: string): Promise<void>;
  /** The rows of one query on the store's database (and schema). */
  query<Row>(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

export type MakeTwin = () => Promise<SqlTwin>;

const RESET =
  "truncate table contacts, contact_emails, links, users, audit_entries, outbox_events, domains restart identity cascade";

export const pgliteTwin: MakeTwin = async () => {
  const pglite = await migratedPglite();
  const store = SqlStore.open({ connection: { kind: "pglite", pglite } });
  await store.migrate();
  const exec = async (sql: string) => {
    await pglite.exec(sql);
  };
  const query = async <Row>(sql: string) => (await pglite.query<Row>(sql)).rows;
  return { store, exec, query, reset: () => exec(RESET), close: () => store.close() };
};

/** A PostgreSQL store in a schema of its own, dropped at close. */
export const postgresTwin: MakeTwin = async () => {
  const schema = `t_${process.pid}_${randomBytes(6).toString("hex")}`;
  const store = SqlStore.open({
    connection: { kind: "postgres", url: TEST_DATABASE_URL, schema, poolSize: 20 },
  });
  await store.migrate();
  const admin = knex({
    client: "pg",
    connection: TEST_DATABASE_URL,
    searchPath: [schema],
    pool: { min: 0, max: 1 },
  });
  const exec = async (sql: string) => {
    await admin.raw(sql);
  };
  const query = async <Row>(sql: string) => ((await admin.raw(sql)) as { rows: Row[] }).rows;
  return {
    store,
    exec,
    query,
    reset: () => exec(RESET),
    close: async () => {
      await store.close();
      try {
        await admin.raw("drop schema if exists ?? cascade", [schema]);
      } finally {
        await admin.destroy();
      }
    },
  };
};
