import knex from "knex";
import { TEST_DATABASE_URL } from "./test-stores.js";

/**
 * Installs pg_trgm in the test database's public schema once, before any test, as a database
 * administrator would. Otherwise the first test schema to migrate would install it in itself
 * (migration 004), and dropping that schema at the end of its tests would take the extension,
 * and the trigram indexes of the schemas still in use, with it. Without PostgreSQL, or without
 * the extension, nothing is done: the stores then work without the index.
 */
export default async function installExtensions(): Promise<void> {
  const admin = knex({
    client: "pg",
    connection: { connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 },
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 3000,
  });
  try {
    await admin.raw("create extension if not exists pg_trgm schema public");
  } catch {
    // The suites that need PostgreSQL say so themselves (test-stores.ts, shouldRun).
  } finally {
    await admin.destroy();
  }
}
