import { randomBytes } from "node:crypto";
import knex from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { defaultDomain, foldName, SqlStore } from "../../src/index.js";
import { connect } from "../../src/infrastructure/persistence/sql/sql-connection.js";
import { SqlContacts } from "../../src/infrastructure/persistence/sql/sql-contacts.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";

/**
 * The name search on PostgreSQL can be served by the trigram index of migration 004 (pg_trgm,
 * installed in the test database's public schema, while the store's search path holds only its
 * own schema): with plain scans of the table and of its primary key turned off, the plan of the
 * statement the adapter runs reads the index.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

if (await shouldRun(postgresTestStore)) {
  describe("contact name search on postgres", () => {
    it("runs a statement that the trigram index serves", async () => {
      const schema = `search_${process.pid}_${randomBytes(6).toString("hex")}`;
      const store = SqlStore.open({
        connection: { kind: "postgres", url: TEST_DATABASE_URL, schema, poolSize: 2 },
        domains: [defaultDomain("drupal")],
      });
      const db = connect({ kind: "postgres", url: TEST_DATABASE_URL, schema, poolSize: 2 });
      cleanups.push(async () => {
        await store.close();
        await db.destroy();
        const admin = knex({
          client: "pg",
          connection: TEST_DATABASE_URL,
          pool: { min: 0, max: 1 },
        });
        try {
          await admin.raw("drop schema if exists ?? cascade", [schema]);
        } finally {
          await admin.destroy();
        }
      });
      await store.migrate();

      const statements: { sql: string; bindings: unknown[] }[] = [];
      db.on("query", (query: { sql: string; bindings?: unknown[] }) => {
        statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
      });
      const page = await new SqlContacts(db).findByName(
        foldName("Zoë"),
        { includeDeleted: false },
        { limit: 25 },
      );
      expect(page).toEqual({ items: [], next: null });
      const search = statements[0] as { sql: string; bindings: unknown[] };
      expect(search.sql).toContain("first_name_folded");

      const plan = await db.transaction(async (trx) => {
        await trx.raw("set local enable_seqscan = off");
        await trx.raw("set local enable_indexscan = off");
        const { rows } = (await trx.raw(
          `explain ${search.sql.replace(/\$\d+/g, "?")}`,
          search.bindings as knex.Knex.RawBinding[],
        )) as { rows: { "QUERY PLAN": string }[] };
        return rows.map((row) => row["QUERY PLAN"]).join("\n");
      });
      expect(plan).toContain("Bitmap Index Scan on contacts_by_folded_name");
      expect(plan).not.toContain("Seq Scan");
    });
  });
} else {
  describe.skip("contact name search on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
