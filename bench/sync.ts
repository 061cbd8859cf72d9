/**
 * SynchronizeAllUsers on PostgreSQL against its plain-SQL floor, for each directory size
 * (default 200,000 and 1,000,000 users):
 *   - the floor (sync-floor.ts): the rows the sync writes, by plain INSERT … SELECT, timed
 *     twice, before and after the sync, the faster one counting;
 *   - the sync with its default options, its users/s and the process's peak RSS (sampled
 *     every 50 ms);
 *   - their ratio, and the CPU per user of this process and of the local PostgreSQL server
 *     (cpu-time.ts) for both; then the targets, PASS or MISS.
 * Every run gets a fresh schema migrated by civilink, seeded by `seedSyncDirectory` and dropped
 * at the end; the floor's end state (rows and their digest) must be the sync's.
 *   npx tsx bench/sync.ts [--users 200000,1000000] [--floor-group N]
 *     --floor-group N: the floor in transactions of N users each (default: one for all)
 *     (BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { SynchronizeAllUsers, systemClock } from "../src/index.js";
import {
  count,
  cpuPerUser,
  DATABASE_URL,
  mb,
  peakRssSampler,
  seededStore,
  shownUrl,
} from "./bench-store.js";
import { type CpuSeconds, cpuTime } from "./cpu-time.js";
import { describeEndState, type EndState, endState, writeFloor } from "./sync-floor.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "200000,1000000" },
    "floor-group": { type: "string" },
  },
});
const SIZES = values.users.split(",").map(Number);
if (!SIZES.every((size) => Number.isInteger(size) && size > 0)) {
  throw new Error("--users must be positive integers separated by commas");
}
const FLOOR_GROUP = values["floor-group"] === undefined ? null : Number(values["floor-group"]);
if (FLOOR_GROUP !== null && !(Number.isInteger(FLOOR_GROUP) && FLOOR_GROUP > 0)) {
  throw new Error("--floor-group must be a positive integer");
}

const DOMAIN_ID = 1;
const TARGET_USERS = 200_000;
const TARGET_RATIO = 2.5;
const TARGET_RSS = 300 * 2 ** 20;

interface Timed {
  seconds: number;
  cpu: CpuSeconds;
  state: EndState;
}

async function floorRun(users: number): Promise<Timed> {
  const store = await seededStore(users, 4);
  try {
    const spent = cpuTime();
    const started = performance.now();
    await writeFloor(store.sql, DOMAIN_ID, users, FLOOR_GROUP);
    const seconds = (performance.now() - started) / 1000;
    const cpu = spent();
    return { seconds, cpu, state: await endState(store.sql) };
  } finally {
    await store.drop();
  }
}

async function syncRun(users: number): Promise<Timed & { peakRss: number; message: string }> {
  const store = await seededStore(users, 4);
  try {
    const sync = new SynchronizeAllUsers(store.civilink.store, systemClock);
    const rss = peakRssSampler(50);
    const spent = cpuTime();
    const started = performance.now();
    const result = await sync.execute({ domainId: DOMAIN_ID });
    const seconds = (performance.now() - started) / 1000;
    const cpu = spent();
    const peakRss = rss.stop();
    if (result.isErr()) throw new Error(JSON.stringify(result.error));
    const state = await endState(store.sql);
    return { seconds, cpu, state, peakRss, message: result.value.message };
  } finally {
    await store.drop();
  }
}

const perSecond = (users: number, seconds: number) =>
  `${count(Math.round(users / seconds))} users/s`;
const verdict = (pass: boolean) => (pass ? "PASS" : "MISS");

console.log(
  `PostgreSQL ${shownUrl(DATABASE_URL)}; floor: ${FLOOR_GROUP === null ? "one INSERT … SELECT over all users, one transaction" : `one INSERT … SELECT per ${count(FLOOR_GROUP)} users, a transaction each`}`,
);
const ratios = new Map<number, { ratio: number; peakRss: number }>();
for (const users of SIZES) {
  console.log(`\n${count(users)} users (load average ${loadavg()[0]?.toFixed(2)})`);
  const first = await floorRun(users);
  console.log(`  floor 1: ${first.seconds.toFixed(2)} s, ${perSecond(users, first.seconds)}`);
  const sync = await syncRun(users);
  console.log(
    `  sync:    ${sync.seconds.toFixed(2)} s, ${perSecond(users, sync.seconds)}, peak RSS ${mb(sync.peakRss)}; ${sync.message}`,
  );
  const second = await floorRun(users);
  console.log(`  floor 2: ${second.seconds.toFixed(2)} s, ${perSecond(users, second.seconds)}`);
  const floor = first.seconds <= second.seconds ? first : second;
  const ratio = sync.seconds / floor.seconds;
  ratios.set(users, { ratio, peakRss: sync.peakRss });
  console.log(
    `  floor (faster of 2): ${floor.seconds.toFixed(2)} s; sync/floor ${ratio.toFixed(2)}×`,
  );
  console.log(`  floor ${cpuPerUser(floor.cpu, users)}`);
  console.log(`  sync  ${cpuPerUser(sync.cpu, users)}`);
  console.log(`  end state, floor: ${describeEndState(floor.state)}`);
  console.log(`  end state, sync:  ${describeEndState(sync.state)}`);
  const same = [first.state, second.state].every(
    (state) => JSON.stringify(state) === JSON.stringify(sync.state),
  );
  console.log(`  end states ${same ? "identical" : "DIFFER"}`);
}

const target = ratios.get(TARGET_USERS);
console.log();
console.log(
  target === undefined
    ? `target ≤ ${TARGET_RATIO}× at ${count(TARGET_USERS)} users, peak RSS < ${mb(TARGET_RSS)}: not measured (no run of ${count(TARGET_USERS)} users)`
    : `target ≤ ${TARGET_RATIO}× at ${count(TARGET_USERS)} users, peak RSS < ${mb(TARGET_RSS)}: ${target.ratio.toFixed(2)}×, ${mb(target.peakRss)} → ${verdict(target.ratio <= TARGET_RATIO && target.peakRss < TARGET_RSS)}`,
);
