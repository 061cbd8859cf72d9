/**
 * What the PostgreSQL benches share: a fresh schema migrated by civilink (the real store's
 * tables and indexes) and seeded by `seedSyncDirectory`, a plain knex on the same schema for
 * the bench's own statements, and the figures they print (peak RSS, CPU per user).
 */
import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";
import { type Civilink, createCivilink } from "../src/index.js";
import { seedSyncDirectory } from "../test/integration/support/sync-seed.js";
import type { CpuSeconds } from "./cpu-time.js";

export const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/** The URL without its credentials, for the first line of a bench's output. */
export const shownUrl = (url: string) => url.replace(/\/\/[^@/]*@/, "//…@");

export interface SeededStore {
  civilink: Civilink;
  /** The bench's own connections (two) on the schema. */
  sql: Knex;
  seededSeconds: number;
  /** Closes civilink, drops the schema. */
  drop(): Promise<void>;
}

/**
 * A new schema, migrated through civilink's `prepare()`, with `users` users seeded; civilink's
 * pool has `poolSize` connections, or its default.
 */
export async function seededStore(users: number, poolSize?: number): Promise<SeededStore> {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const civilink = createCivilink({
    store: "postgres",
    url: DATABASE_URL,
    schema,
    ...(poolSize === undefined ? {} : { poolSize }),
  });
  const sql = knex({
    client: "pg",
    connection: DATABASE_URL,
    searchPath: [schema],
    pool: { min: 1, max: 2 },
  });
  const drop = async () => {
    await civilink.close();
    await sql.raw("drop schema if exists ?? cascade", [schema]);
    await sql.destroy();
  };
  try {
    const prepared = await civilink.store.prepare();
    if (prepared.isErr()) throw new Error(JSON.stringify(prepared.error));
    const started = performance.now();
    await seedSyncDirectory(sql, users);
    // The seed's rows are written; what follows should not pay for their checkpoint.
    await sql.raw("checkpoint");
    return { civilink, sql, seededSeconds: (performance.now() - started) / 1000, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** The largest resident set of this process, sampled every `everyMs` until `stop()`. */
export function peakRssSampler(everyMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Thousands separated by commas. */
export const count = (value: number) => value.toLocaleString("en-US");

/** CPU time per user, in µs, of this process and of the database server. */
export function cpuPerUser({ node, database }: CpuSeconds, users: number): string {
  const micros = (seconds: number) => `${((seconds / users) * 1e6).toFixed(1)} µs`;
  const server =
    database === null ? "not measured (no local PostgreSQL in /proc)" : micros(database);
  return `CPU per user: node ${micros(node)}, PostgreSQL ${server}`;
}
