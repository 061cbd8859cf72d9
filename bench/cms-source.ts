/**
 * `civilink import-users --from wordpress` against `civilink import-users FILE.ndjson`: the
 * same --users N WordPress users (default 1,000,000), with first and last names and two more
 * usermeta rows each, read straight from a WordPress database in MariaDB, or from an NDJSON
 * export of them. Each import runs as the compiled CLI in a process of its own (so that its
 * peak RSS is its own), into a fresh PostgreSQL schema, in turns A B A B…, and the bench prints
 * each run's time and peak RSS, then the ratio of the two medians.
 *   npm run build && npx tsx bench/cms-source.ts [--users N] [--rounds R]
 *   (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306; BENCH_DATABASE_URL or
 *    TEST_DATABASE_URL for PostgreSQL)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import knex, { type Knex } from "knex";
import { wordpress } from "../test/integration/cms-fixtures/index.js";
import { processCpuSeconds, serverCpuMeter } from "./cpu-time.js";

const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const CLI = fileURLToPath(new URL("../bin/civilink.js", import.meta.url));

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    rounds: { type: "string", default: "2" },
  },
});
const USERS = Number(values.users);
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(USERS) || USERS < 1) throw new Error("--users must be a positive integer");
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds must be a positive integer");

const perUser = (seconds: number | null) =>
  seconds === null ? "not measured" : `${((seconds / USERS) * 1e6).toFixed(1)} µs`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** wp_users and wp_usermeta as wp-admin/includes/schema.php makes them, with USERS users. */
async function seedWordPress(mysql: Knex): Promise<void> {
  for (const statement of wordpress.mysqlTables("wp_")) await mysql.raw(statement);
  await mysql.raw(
    `insert into wp_users (ID, user_login, user_pass, user_nicename, user_email, user_registered, display_name)
     select seq, concat('user', seq), '$P$Bhash', concat('user', seq), concat('User', seq, '@Example.org'),
            '2024-01-01 00:00:00', concat('User ', seq)
       from seq_1_to_${USERS}`,
  );
  for (const [key, value] of [
    ["nickname", "concat('user', seq)"],
    ["first_name", "concat('First', seq)"],
    ["last_name", "concat('Last', seq mod 1000)"],
    ["wp_capabilities", "'a:1:{s:10:\"subscriber\";b:1;}'"],
  ]) {
    await mysql.raw(
      `insert into wp_usermeta (user_id, meta_key, meta_value) select seq, '${key}', ${value} from seq_1_to_${USERS}`,
    );
  }
}

/** The same users as an NDJSON export. */
async function writeExport(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let id = 1; id <= USERS; id++) {
    const line = `${JSON.stringify({ userId: id, email: `User${id}@Example.org`, username: `user${id}`, firstName: `First${id}`, lastName: `Last${id % 1000}` })}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  out.end();
  await finished(out);
}

interface Run {
  seconds: number;
  peakRss: number;
  output: string;
  /** CPU seconds of the CLI process, of PostgreSQL and of MariaDB (null: not measured). */
  cpu: { cli: number; postgres: number | null; mariadb: number | null };
}

/** Peak RSS from /proc, read every 50 ms until the process ends (VmHWM only grows). */
async function highWaterMark(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function runCli(args: string[], databaseUrl: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const postgres = serverCpuMeter("postgres");
    const mariadb = serverCpuMeter("/usr/sbin/mariadbd");
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl, CIVILINK_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", () => undefined);
    let peakRss = 0;
    let cli = 0;
    const sampler = setInterval(async () => {
      if (!child.pid) return;
      peakRss = Math.max(peakRss, await highWaterMark(child.pid));
      cli = processCpuSeconds(child.pid) ?? cli;
      postgres.sample();
      mariadb.sample();
    }, 50);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      const cpu = { cli, postgres: postgres.spent(), mariadb: mariadb.spent() };
      if (code !== 0) reject(new Error(`civilink ${args.join(" ")} exited ${code}:\n${output}`));
      else resolve({ seconds, peakRss, output, cpu });
    });
  });
}

/** A fresh schema for one import, and the DATABASE_URL of a CLI working in it. */
async function freshSchema(pg: Knex): Promise<{ name: string; url: string }> {
  const name = `cmsbench_${randomBytes(4).toString("hex")}`;
  await pg.raw("create schema ??", [name]);
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${name}`);
  return { name, url: url.toString() };
}

async function main() {
  if (
    !existsSync(CLI) ||
    !existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)))
  ) {
    throw new Error("run `npm run build` first: the bench runs the compiled CLI");
  }
  const database = `civilink_bench_${process.pid}`;
  const admin = knex({ client: "mysql2", connection: `${MYSQL_URL}/`, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${database}`);
  const mysql = knex({
    client: "mysql2",
    connection: `${MYSQL_URL}/${database}`,
    pool: { min: 0, max: 1 },
  });
  const pg = knex({ client: "pg", connection: PG_URL, pool: { min: 0, max: 1 } });
  const folder = await mkdtemp(join(tmpdir(), "civilink-cms-bench-"));
  const schemas: string[] = [];
  try {
    let started = performance.now();
    await seedWordPress(mysql);
    console.log(
      `seeded ${USERS} WordPress users (4 usermeta rows each) in MariaDB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const file = join(folder, "users.ndjson");
    started = performance.now();
    await writeExport(file);
    console.log(
      `wrote the same users as NDJSON in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const fromDatabase: Run[] = [];
    const fromFile: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [label, runs, args] of [
        [
          "database",
          fromDatabase,
          ["import-users", "--from", "wordpress", "--source", `${MYSQL_URL}/${database}`],
        ],
        ["file    ", fromFile, ["import-users", file]],
      ] as const) {
        const schema = await freshSchema(pg);
        schemas.push(schema.name);
        const run = await runCli([...args], schema.url);
        runs.push(run);
        const usersPerSecond = Math.round(USERS / run.seconds);
        console.log(
          `round ${round}, from the ${label}: ${run.seconds.toFixed(1)} s = ${usersPerSecond} users/s, peak RSS ${mb(run.peakRss)}; ${run.output.trim().split("\n").slice(-1)[0]}`,
        );
        console.log(
          `  CPU per user: civilink ${perUser(run.cpu.cli)}, PostgreSQL ${perUser(run.cpu.postgres)}, MariaDB ${perUser(run.cpu.mariadb)}`,
        );
        await pg.raw("drop schema ?? cascade", [schema.name]);
      }
    }
    const database_ = median(fromDatabase.map((run) => run.seconds));
    const file_ = median(fromFile.map((run) => run.seconds));
    console.log(
      `median: from the database ${database_.toFixed(1)} s, from the file ${file_.toFixed(1)} s; database / file = ${(database_ / file_).toFixed(2)} (target ≤ 1.00)`,
    );
    console.log(
      `peak RSS from the database: ${mb(Math.max(...fromDatabase.map((run) => run.peakRss)))} (target < 250 MB); from the file: ${mb(Math.max(...fromFile.map((run) => run.peakRss)))}`,
    );
  } finally {
    for (const schema of schemas) await pg.raw("drop schema if exists ?? cascade", [schema]);
    await admin.raw(`drop database if exists ${database}`);
    await Promise.all([admin.destroy(), mysql.destroy(), pg.destroy()]);
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
