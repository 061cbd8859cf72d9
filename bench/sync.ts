/**
 * SynchronizeAllUsers on PostgreSQL: the set-based path on --users N users (default 100,000),
 * with its peak RSS and the CPU time per user of this process and of the local PostgreSQL
 * server (on a machine whose cores both share, what bounds the speed), then batches of one user
 * (per user) and of the default size (set-based) on 10,000 users each, and their ratio.
 * Every run gets a fresh schema, seeded with bulk SQL and dropped at the end.
 *   npx tsx bench/sync.ts [--users N]        (BENCH_DATABASE_URL or TEST_DATABASE_URL)
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import knex from "knex";
import { createCivilink, SynchronizeAllUsers, systemClock } from "../src/index.js";
import { seedSyncDirectory } from "../test/integration/support/sync-seed.js";
import { type CpuSeconds, cpuTime } from "./cpu-time.js";

const URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const { values } = parseArgs({ options: { users: { type: "string", default: "100000" } } });
const USERS = Number(values.users);
if (!Number.isInteger(USERS) || USERS < 1) throw new Error(`--users must be a positive integer`);
const SUBSET = Math.min(10_000, USERS);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

interface Run {
  usersPerSecond: number;
  peakRss: number;
  cpu: CpuSeconds;
}

/** CPU time per user, in µs, of this process and of the database server. */
function cpuPerUser({ node, database }: CpuSeconds, users: number): string {
  const micros = (seconds: number) => ((seconds / users) * 1e6).toFixed(1);
  const server =
    database === null ? "not measured (no local PostgreSQL in /proc)" : `${micros(database)} µs`;
  return `CPU per user: node ${micros(node)} µs, PostgreSQL ${server}`;
}

async function bench(users: number, setBased: boolean): Promise<Run> {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const civilink = createCivilink({ store: "postgres", url: URL, schema, poolSize: 4 });
  const sql = knex({
    client: "pg",
    connection: URL,
    searchPath: [schema],
    pool: { min: 0, max: 1 },
  });
  try {
    const prepared = await civilink.store.prepare();
    if (prepared.isErr()) throw new Error(JSON.stringify(prepared.error));
    const seeding = performance.now();
    await seedSyncDirectory(sql, users);
    const seeded = ((performance.now() - seeding) / 1000).toFixed(1);

    // Per user: batches of one user, each its own transaction.
    const sync = new SynchronizeAllUsers(
      civilink.store,
      systemClock,
      setBased ? {} : { batchSize: 1 },
    );
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const started = performance.now();
    const spent = cpuTime();
    const result = await sync.execute({ domainId: 1 });
    const ms = performance.now() - started;
    const cpu = spent();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (result.isErr()) throw new Error(JSON.stringify(result.error));
    const usersPerSecond = Math.round((users / ms) * 1000);
    console.log(
      `${setBased ? "set-based" : "per-user "}: ${users} users (seeded in ${seeded} s) synced in ${(ms / 1000).toFixed(2)} s = ${usersPerSecond} users/s, peak RSS ${mb(peakRss)}; ${result.value.message}`,
    );
    console.log(`  ${cpuPerUser(cpu, users)}`);
    return { usersPerSecond, peakRss, cpu };
  } finally {
    await civilink.close();
    await sql.raw("drop schema if exists ?? cascade", [schema]);
    await sql.destroy();
  }
}

console.log(`PostgreSQL ${URL.replace(/\/\/[^@/]*@/, "//…@")}`);
const full = await bench(USERS, true);
console.log(
  `set-based, ${USERS} users: ${full.usersPerSecond} users/s, peak RSS ${mb(full.peakRss)}; ${cpuPerUser(full.cpu, USERS)}`,
);
const perUser = await bench(SUBSET, false);
const setBased = await bench(SUBSET, true);
console.log(
  `${SUBSET} users: per-user ${perUser.usersPerSecond} users/s, set-based ${setBased.usersPerSecond} users/s, ratio ${(setBased.usersPerSecond / perUser.usersPerSecond).toFixed(1)}×`,
);
