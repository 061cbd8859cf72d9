/**
 * How long logins wait while a sync runs, for each batch size: on BENCH_USERS users (default
 * 200,000) seeded by `seedSyncDirectory`, a SynchronizeAllUsers run with the batch size while
 * logins arrive at a steady BENCH_LOGIN_RATE per second (default 50, open loop: a slow login
 * does not delay the next), through `linkOnLogin`, the use case behind
 * `POST /v1/domains/{id}/users/{userId}/logged-in`, with the profile the directory holds:
 *   - half of already-linked users (linked by the seed, or by the sync behind its position),
 *     answered from a plain read without a lock;
 *   - half of users of the batch the sync is working on or the next, whose login takes the
 *     advisory locks of the user and its email key, as that batch does.
 * Prints per batch size the sync's wall time, each kind's login p50/p99/max in ms, and the peak
 * of PostgreSQL's lock table (`pg_locks`, all of the server's, and the advisory ones) sampled
 * every 100 ms; first the lock table's capacity, last the peak with two syncs of different
 * domains running at once.
 *   npx tsx bench/login-wait.ts
 *     BENCH_USERS (200000), BENCH_BATCH_SIZES ("250,500,1000,2000,5000"), BENCH_LOGIN_RATE (50)
 *     (BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 * Every batch size gets a fresh schema, dropped at the end; civilink's pool is its default.
 */
import { loadavg } from "node:os";
import knex, { type Knex } from "knex";
import { type Civilink, SynchronizeAllUsers, systemClock } from "../src/index.js";
import { count, DATABASE_URL, seededStore, shownUrl } from "./bench-store.js";

const USERS = Number(process.env.BENCH_USERS ?? 200_000);
const BATCH_SIZES = (process.env.BENCH_BATCH_SIZES ?? "250,500,1000,2000,5000")
  .split(",")
  .map(Number);
const RATE = Number(process.env.BENCH_LOGIN_RATE ?? 50);
if (![USERS, RATE, ...BATCH_SIZES].every((value) => Number.isInteger(value) && value > 0)) {
  throw new Error("BENCH_USERS, BENCH_BATCH_SIZES and BENCH_LOGIN_RATE must be positive integers");
}

const DOMAIN_ID = 1;
const LOCK_SAMPLE_MS = 100;

type LoginKind = "linked" | "in batch";

interface Login {
  kind: LoginKind;
  ms: number;
  failed: boolean;
}

interface ProfileRow {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
}

/** The profile the directory holds for the user: its login changes nothing in the directory. */
async function profileOf(sql: Knex, userId: number) {
  const row = (await sql("users")
    .first("email", "first_name", "last_name")
    .where({ domain_id: DOMAIN_ID, user_id: userId })) as ProfileRow | undefined;
  if (!row) throw new Error(`No user ${userId}`);
  return {
    ...(row.email === null ? {} : { email: row.email }),
    ...(row.first_name === null ? {} : { firstName: row.first_name }),
    ...(row.last_name === null ? {} : { lastName: row.last_name }),
  };
}

const randomIn = (least: number, greatest: number) =>
  least + Math.floor(Math.random() * (greatest - least + 1));

/** `seedSyncDirectory` links users 8 and 9 of every 20 and gives every 10th of 20 no email. */
function linkedUser(synced: number): number {
  if (synced > 20 && Math.random() < 0.5) {
    for (;;) {
      const user = randomIn(1, synced);
      if (user % 20 !== 10) return user;
    }
  }
  return 20 * randomIn(0, Math.floor((USERS - 9) / 20)) + randomIn(8, 9);
}

function userInBatch(synced: number, batchSize: number): number {
  const least = Math.min(USERS, synced + 1);
  const greatest = Math.min(USERS, synced + 2 * batchSize);
  for (;;) {
    const user = randomIn(least, greatest);
    if (user % 20 !== 10 || least === greatest) return user;
  }
}

async function login(civilink: Civilink, sql: Knex, kind: LoginKind, userId: number) {
  const profile = await profileOf(sql, userId);
  const started = performance.now();
  const result = await civilink.linkOnLogin.execute({ domainId: DOMAIN_ID, userId, profile });
  return { kind, ms: performance.now() - started, failed: result.isErr() };
}

/** Samples the lock table every 100 ms until `stop()`, keeping the peaks. */
function lockSampler(sql: Knex) {
  let all = 0;
  let advisory = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = (await sql.raw(
        `select count(*)::int as all,
                (count(*) filter (where locktype = 'advisory'))::int as advisory
           from pg_locks`,
      )) as { rows: { all: number; advisory: number }[] };
      all = Math.max(all, rows[0]?.all ?? 0);
      advisory = Math.max(advisory, rows[0]?.advisory ?? 0);
      await new Promise((resolve) => setTimeout(resolve, LOCK_SAMPLE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { all, advisory };
    },
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

function describeLogins(logins: readonly Login[], kind: LoginKind): string {
  const mine = logins.filter((login) => login.kind === kind);
  const ms = mine.map((login) => login.ms).sort((a, b) => a - b);
  const failed = mine.filter((login) => login.failed).length;
  const fixed = (value: number) => value.toFixed(1);
  return `${kind.padEnd(8)} ${String(mine.length).padStart(5)} logins: p50 ${fixed(percentile(ms, 50))} ms, p99 ${fixed(percentile(ms, 99))} ms, max ${fixed(ms.at(-1) ?? Number.NaN)} ms${failed > 0 ? `, ${failed} FAILED` : ""}`;
}

async function run(batchSize: number) {
  const store = await seededStore(USERS);
  try {
    let synced = 0;
    const sync = new SynchronizeAllUsers(store.civilink.store, systemClock, { batchSize });
    const logins: Promise<Login>[] = [];
    const locks = lockSampler(store.sql);
    const started = performance.now();
    const running = sync.execute({
      domainId: DOMAIN_ID,
      onProgress: ({ processed }) => {
        synced = processed;
      },
    });
    let fired = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE);
      for (; fired < due; fired++) {
        const kind: LoginKind = fired % 2 === 0 ? "linked" : "in batch";
        const userId = kind === "linked" ? linkedUser(synced) : userInBatch(synced, batchSize);
        logins.push(login(store.civilink, store.sql, kind, userId));
      }
    }, 1000 / RATE);
    const result = await running;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    const done = await Promise.all(logins);
    const peak = await locks.stop();
    if (result.isErr()) throw new Error(JSON.stringify(result.error));
    console.log(
      `batch ${count(batchSize)}: sync ${seconds.toFixed(2)} s (${count(Math.round(USERS / seconds))} users/s); peak pg_locks ${count(peak.all)} (advisory ${count(peak.advisory)}); load average ${loadavg()[0]?.toFixed(2)}`,
    );
    console.log(`  ${describeLogins(done, "linked")}`);
    console.log(`  ${describeLogins(done, "in batch")}`);
  } finally {
    await store.drop();
  }
}

/**
 * Two syncs at once at the default batch size, of domain 1 and of a domain 2 holding the same
 * directory under other addresses: the peak of the lock table while both run.
 */
async function twoSyncs() {
  const store = await seededStore(USERS);
  try {
    await store.sql.raw(
      `insert into domains (id, name, cms, sync_cms_email, dedupe_rule)
       select 2, 'Second', cms, sync_cms_email, dedupe_rule from domains where id = 1`,
    );
    await store.sql.raw(
      `insert into users (domain_id, user_id, email, first_name, last_name)
       select 2, user_id, 'second.' || email, first_name, last_name from users where domain_id = 1`,
    );
    const locks = lockSampler(store.sql);
    const started = performance.now();
    const results = await Promise.all(
      [1, 2].map((domainId) =>
        new SynchronizeAllUsers(store.civilink.store, systemClock).execute({ domainId }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const peak = await locks.stop();
    for (const result of results) if (result.isErr()) throw new Error(JSON.stringify(result.error));
    console.log(
      `two syncs at once (domains 1 and 2, ${count(USERS)} users each, batches of the default size): ${seconds.toFixed(2)} s; peak pg_locks ${count(peak.all)} (advisory ${count(peak.advisory)})`,
    );
  } finally {
    await store.drop();
  }
}

async function lockTable(sql: Knex) {
  const { rows } = (await sql.raw(
    `select current_setting('max_locks_per_transaction')::int as locks,
            current_setting('max_connections')::int as connections,
            current_setting('max_prepared_transactions')::int as prepared`,
  )) as { rows: { locks: number; connections: number; prepared: number }[] };
  const { locks, connections, prepared } = rows[0] as (typeof rows)[number];
  return `max_locks_per_transaction ${locks}, max_connections ${connections}, max_prepared_transactions ${prepared}: lock table capacity ${count(locks * (connections + prepared))} (${locks} × (${connections} + ${prepared}))`;
}

console.log(
  `PostgreSQL ${shownUrl(DATABASE_URL)}; ${count(USERS)} users, logins ${RATE}/s, half of already-linked users, half of users in the sync's current or next batch`,
);
const settings = knex({ client: "pg", connection: DATABASE_URL, pool: { min: 0, max: 1 } });
try {
  console.log(await lockTable(settings));
} finally {
  await settings.destroy();
}
for (const batchSize of BATCH_SIZES) await run(batchSize);
await twoSyncs();
