/**
 * HTTP throughput of the hottest route: `POST /v1/domains/1/users/{id}/logged-in` for users
 * who are already linked and whose profile did not change (every page load of a CMS), against
 * `GET /health` on the same server, in one run; then the login's latency under a steady load.
 *
 *   npm run bench:http            (or: npx tsx bench/http.ts)
 *
 * The server runs in a child process (the load generator must not share its event loop), on
 * PostgreSQL at BENCH_DATABASE_URL / TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) in a fresh schema dropped at the end, on a free
 * loopback port, configured as it runs by default: logs at info (one line a request, written
 * to BENCH_LOG_FILE, /dev/null unless given), the failed-authentication limit at 100 a minute,
 * the per-key rate limit on (at BENCH_RATE_LIMIT, 1e9 a minute, so that it counts every
 * request but never refuses one).
 *
 * 1. Closed loop: BENCH_CONNECTIONS connections each send a request as soon as the previous
 *    answer arrived, for login and for /health, taking turns in BENCH_ROUNDS rounds (5) of
 *    BENCH_SECONDS / BENCH_ROUNDS each, so that other work on the machine weighs on both
 *    alike: requests/s, and their ratio.
 * 2. Open loop: login requests sent at a fixed BENCH_RATE a second (1000) for
 *    BENCH_STEADY_SECONDS (BENCH_SECONDS), whenever they are due, whether or not earlier ones
 *    were answered, on up to BENCH_STEADY_CONNECTIONS connections (256; a request due while
 *    all are busy waits for one); a request's latency runs from the moment it was due, so a
 *    stalled server counts in full.
 *
 * Other knobs: BENCH_LOG_LEVEL (info), BENCH_AUTH_FAILURES (100; with BENCH_RATE_LIMIT=0,
 * 0 turns both limits off), BENCH_USERS (1000), BENCH_SECONDS (10), BENCH_CONNECTIONS (50),
 * BENCH_POOL_SIZE (10), BENCH_ROUTES (login,health,steady), BENCH_CPU_PROF=DIR (writes a CPU
 * profile of the server during the measured runs there).
 *
 * Targets: login ≥ 60 % of health's requests/s at 50 connections; login p99 ≤ 10 ms at a
 * steady 1,000 requests/s.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Agent, request as httpRequest } from "node:http";
import { Session } from "node:inspector/promises";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import knex, { type Knex } from "knex";
import { pino } from "pino";
import { DEFAULT_HTTP_BOUNDS } from "../src/infrastructure/config/config.js";
import { buildContainer } from "../src/infrastructure/container/composition-root.js";
import { TOKENS } from "../src/infrastructure/container/tokens.js";
import { apiKey } from "../src/interfaces/http/api-keys.js";
import { startServer } from "../src/interfaces/http/server.js";

const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const USERS = Number(process.env.BENCH_USERS ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 10);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "info";
const LOG_FILE = process.env.BENCH_LOG_FILE ?? "/dev/null";
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 1e9);
const AUTH_FAILURES = Number(process.env.BENCH_AUTH_FAILURES ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? SECONDS);
const STEADY_CONNECTIONS = Number(process.env.BENCH_STEADY_CONNECTIONS ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** Which runs to make (all by default; one alone is handy under BENCH_CPU_PROF). */
const ROUTES = (process.env.BENCH_ROUTES ?? "login,health,steady").split(",");
const LOGIN = "POST …/users/{id}/logged-in (already linked)";
const HEALTH = "GET /health";
const STEADY = `login at a steady ${RATE} requests/s`;

const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 10;

const profileOf = (userId: number) => ({
  email: `bench.user${userId}@example.org`,
  firstName: "Bench",
  lastName: `User${userId}`,
});

/** Each user's login request, made once: the load generator shares the machine's CPUs. */
const LOGINS = Array.from({ length: USERS + 1 }, (_, userId) => ({
  path: `/v1/domains/1/users/${userId}/logged-in`,
  body: JSON.stringify(profileOf(userId)),
}));

/** The child: civilink's server on PostgreSQL in the given schema, until SIGTERM. */
async function serve() {
  const schema = process.env.BENCH_SCHEMA as string;
  const container = buildContainer({
    store: "postgres",
    url: DATABASE_URL,
    schema,
    poolSize: POOL_SIZE,
  });
  const store = container.get(TOKENS.Store);
  const prepared = await store.prepare();
  if (prepared.isErr()) throw new Error(`PostgreSQL: ${prepared.error.message}`);
  const server = await startServer({
    container,
    apiKeys: [apiKey("bench", process.env.BENCH_SECRET as string, ["events"])],
    logger: pino({ level: LOG_LEVEL }, pino.destination({ dest: LOG_FILE, sync: true })),
    rateLimitPerMinute: RATE_LIMIT,
    authFailuresPerMinute: AUTH_FAILURES,
    bounds: DEFAULT_HTTP_BOUNDS,
    host: "127.0.0.1",
    port: 0,
  });
  // For the figures per request: the server's CPU time, and the SQL statements it sent.
  let queries = 0;
  (store as unknown as { knex: Knex }).knex.on("query", () => queries++);
  const profiler = CPU_PROFILE_DIR ? new Session() : null;
  profiler?.connect();
  process.on("message", async (message: string) => {
    if (message === "profile-start") await profiler?.post("Profiler.enable");
    if (message === "profile-start") await profiler?.post("Profiler.start");
    if (message === "profile-stop" && profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      const file = join(CPU_PROFILE_DIR as string, `server-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      console.log(`CPU profile of the measured runs: ${file}`);
    }
    const cpu = process.cpuUsage();
    process.send?.({ stats: { cpuMicros: cpu.user + cpu.system, queries } });
  });
  process.send?.({ url: server.url });
  await once(process, "SIGTERM");
  await server.stop();
  process.exit(0);
}

interface ServerStats {
  cpuMicros: number;
  queries: number;
}

/** The server's CPU time and SQL statements so far (after doing `command`, if any). */
function statsOf(server: ChildProcess, command = "stats"): Promise<ServerStats> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      const stats = (message as { stats?: ServerStats }).stats;
      if (!stats) return;
      server.off("message", onMessage);
      resolve(stats);
    };
    server.on("message", onMessage);
    server.send(command);
  });
}

/** Runs one measured load and what the server spent on it. */
async function measured(server: ChildProcess, options: autocannon.Options) {
  const before = await statsOf(server);
  const generator = process.cpuUsage();
  const result = await run(options);
  const generated = process.cpuUsage(generator);
  const after = await statsOf(server);
  const answered = Math.max(1, result.requests.total);
  return {
    result,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / answered,
    generatorMicrosPerRequest: (generated.user + generated.system) / answered,
    queriesPerRequest: (after.queries - before.queries) / answered,
  };
}

interface Figures {
  name: string;
  cpuMicrosPerRequest: number;
  /** The load generator's CPU (this process), which shares the machine with the server. */
  generatorMicrosPerRequest: number;
  queriesPerRequest: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  failures: number;
}

/**
 * One route's figures over its rounds: requests/s and CPU over all of them; p50 the mean of
 * the rounds' and p99 and max the worst round's (autocannon gives percentiles, not histograms).
 */
function figuresOf(
  name: string,
  rounds: Awaited<ReturnType<typeof measured>>[],
  extraFailures = 0,
): Figures {
  const total = rounds.reduce((sum, round) => sum + round.result.requests.total, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.result.duration, 0);
  const weighted = (figure: (round: (typeof rounds)[number]) => number) =>
    rounds.reduce((sum, round) => sum + figure(round) * round.result.requests.total, 0) /
    Math.max(1, total);
  return {
    name,
    cpuMicrosPerRequest: weighted((round) => round.cpuMicrosPerRequest),
    generatorMicrosPerRequest: weighted((round) => round.generatorMicrosPerRequest),
    queriesPerRequest: weighted((round) => round.queriesPerRequest),
    requestsPerSecond: total / seconds,
    p50: rounds.reduce((sum, round) => sum + round.result.latency.p50, 0) / rounds.length,
    p99: Math.max(...rounds.map((round) => round.result.latency.p99)),
    max: Math.max(...rounds.map((round) => round.result.latency.max)),
    total,
    failures:
      rounds.reduce((sum, { result }) => sum + result.errors + result.timeouts + result.non2xx, 0) +
      extraFailures,
  };
}

async function run(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
}

/** Links users 1..USERS through the login route itself, twenty at a time. */
async function seed(url: string, secret: string) {
  let next = 1;
  const outcomes = new Map<string, number>();
  const worker = async () => {
    for (let userId = next++; userId <= USERS; userId = next++) {
      const response = await fetch(`${url}/v1/domains/1/users/${userId}/logged-in`, {
        method: "POST",
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
        body: JSON.stringify(profileOf(userId)),
      });
      const body = (await response.json()) as { outcome?: string };
      const key = `${response.status} ${body.outcome ?? JSON.stringify(body)}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  if (outcomes.get("200 created-contact") !== USERS)
    throw new Error(`seeding did not link every user: ${JSON.stringify([...outcomes])}`);
}

function loginRequests(secret: string, counter: { unexpected: number }) {
  let next = 0;
  return {
    method: "POST" as const,
    headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const userId = (next++ % USERS) + 1;
          const login = LOGINS[userId] as (typeof LOGINS)[number];
          request.path = login.path;
          request.body = login.body;
          return request;
        },
        onResponse: (status: number, body: string) => {
          if (status !== 200 || !body.includes('"outcome":"already-linked"')) counter.unexpected++;
        },
      },
    ],
  };
}

interface SteadyResult {
  latencies: number[];
  sent: number;
  answered: number;
  failures: number;
  seconds: number;
  /** From the first request's due time to the last one's being sent. */
  sendingSeconds: number;
  /** The most requests that were sent and not yet answered at one moment. */
  mostInFlight: number;
  /** Answers other than 200 already-linked, by status and the start of their body. */
  unexpectedAnswers: Map<string, number>;
}

/**
 * Sends a login every 1/RATE s for STEADY_SECONDS, each when it is due, on a free one of up to
 * STEADY_CONNECTIONS connections (else it waits for one): the pace never waits for answers.
 * Latency runs from when a request was due to its answer's last byte, waits included.
 */
async function steady(url: string, secret: string, unexpected: { unexpected: number }) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: STEADY_CONNECTIONS });
  const total = Math.round(RATE * STEADY_SECONDS);
  const result: SteadyResult = {
    latencies: [],
    sent: 0,
    answered: 0,
    failures: 0,
    seconds: 0,
    sendingSeconds: 0,
    mostInFlight: 0,
    unexpectedAnswers: new Map(),
  };
  let inFlight = 0;
  const send = (userId: number, due: number) =>
    new Promise<void>((resolve) => {
      const { path, body } = LOGINS[userId] as (typeof LOGINS)[number];
      const call = httpRequest(
        {
          agent,
          hostname,
          port,
          method: "POST",
          path,
          headers: {
            Authorization: `Bearer ${secret}`,
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(body),
          },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => {
            result.latencies.push(performance.now() - due);
            result.answered++;
            if (response.statusCode !== 200 || !text.includes('"outcome":"already-linked"')) {
              unexpected.unexpected++;
              const kind = `${response.statusCode} ${text.slice(0, 80)}`;
              result.unexpectedAnswers.set(kind, (result.unexpectedAnswers.get(kind) ?? 0) + 1);
            }
            inFlight--;
            resolve();
          });
        },
      );
      call.on("error", () => {
        result.failures++;
        inFlight--;
        resolve();
      });
      inFlight++;
      result.mostInFlight = Math.max(result.mostInFlight, inFlight);
      call.end(body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const interval = 1000 / RATE;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (result.sent < total && start + result.sent * interval <= now) {
        const due = start + result.sent * interval;
        pending.push(send((result.sent % USERS) + 1, due));
        result.sent++;
      }
      if (result.sent < total) setTimeout(tick, Math.max(0, start + result.sent * interval - now));
      else done();
    };
    tick();
  });
  result.sendingSeconds = (performance.now() - start) / 1000;
  await Promise.all(pending);
  result.seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return result;
}

const percentile = (sorted: number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;

/** Other work on the machine skews every figure but CPU µs/req and SQL/req: say how much. */
const machineLoad = () =>
  `load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(" ")} on ${availableParallelism()} CPUs`;

function printTable(rows: Figures[]) {
  const head = [
    "req/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "requests",
    "failed",
    "CPU µs/req",
    "gen µs/req",
    "SQL/req",
  ];
  console.log(`\n${"route".padEnd(44)}${head.map((title) => title.padStart(11)).join("")}`);
  for (const row of rows) {
    const cells = [
      row.requestsPerSecond.toFixed(0),
      row.p50.toFixed(1),
      row.p99.toFixed(1),
      row.max.toFixed(1),
      String(row.total),
      String(row.failures),
      row.cpuMicrosPerRequest.toFixed(0),
      row.generatorMicrosPerRequest.toFixed(0),
      row.queriesPerRequest.toFixed(2),
    ];
    console.log(`${row.name.padEnd(44)}${cells.map((cell) => cell.padStart(11)).join("")}`);
  }
}

async function main() {
  const schema = `bench_http_${process.pid}_${randomBytes(4).toString("hex")}`;
  const secret = randomBytes(18).toString("base64url");
  const admin = knex({ client: "pg", connection: DATABASE_URL, pool: { min: 0, max: 1 } });
  let child: ChildProcess | null = null;
  if (CPU_PROFILE_DIR) mkdirSync(CPU_PROFILE_DIR, { recursive: true });
  try {
    await admin.raw("select 1");
    child = fork(fileURLToPath(import.meta.url), [], {
      env: {
        ...process.env,
        CIVILINK_BENCH_ROLE: "server",
        BENCH_SCHEMA: schema,
        BENCH_SECRET: secret,
      },
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const server = child;
    const url = await new Promise<string>((resolve, reject) => {
      server.once("message", (message) => resolve((message as { url: string }).url));
      server.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    });
    console.log(
      `civilink ${url}, PostgreSQL schema ${schema} (pool ${POOL_SIZE}); ${USERS} users, ` +
        `${CONNECTIONS} connections, ${SECONDS} s a route; ${machineLoad()}`,
    );

    const started = Date.now();
    await seed(url, secret);
    console.log(`seeded ${USERS} linked users in ${Date.now() - started} ms`);

    // Warm-up (JIT, pool connections), not measured.
    await run({ url, duration: 2, ...loginRequests(secret, { unexpected: 0 }) });
    await run({ url: `${url}/health`, duration: 1 });

    const unexpected = { unexpected: 0 };
    const rows: Figures[] = [];
    if (CPU_PROFILE_DIR) await statsOf(server, "profile-start");
    // Login and health take turns, so that both see the machine's other work alike.
    const logins: Awaited<ReturnType<typeof measured>>[] = [];
    const healths: Awaited<ReturnType<typeof measured>>[] = [];
    const duration = SECONDS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      if (ROUTES.includes("login"))
        logins.push(
          await measured(server, { url, duration, ...loginRequests(secret, unexpected) }),
        );
      if (ROUTES.includes("health"))
        healths.push(await measured(server, { url: `${url}/health`, duration }));
    }
    if (logins.length > 0) rows.push(figuresOf(LOGIN, logins, unexpected.unexpected));
    if (healths.length > 0) rows.push(figuresOf(HEALTH, healths));
    let steadyRun:
      | (SteadyResult & {
          cpuMicrosPerRequest: number;
          generatorMicrosPerRequest: number;
          queriesPerRequest: number;
        })
      | null = null;
    if (ROUTES.includes("steady")) {
      const before = await statsOf(server);
      const generator = process.cpuUsage();
      const result = await steady(url, secret, unexpected);
      const generated = process.cpuUsage(generator);
      const after = await statsOf(server);
      const answered = Math.max(1, result.answered);
      steadyRun = {
        ...result,
        cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / answered,
        generatorMicrosPerRequest: (generated.user + generated.system) / answered,
        queriesPerRequest: (after.queries - before.queries) / answered,
      };
      const sorted = [...result.latencies].sort((a, b) => a - b);
      rows.push({
        name: STEADY,
        cpuMicrosPerRequest: steadyRun.cpuMicrosPerRequest,
        generatorMicrosPerRequest: steadyRun.generatorMicrosPerRequest,
        queriesPerRequest: steadyRun.queriesPerRequest,
        requestsPerSecond: result.answered / result.seconds,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted.at(-1) ?? Number.NaN,
        total: result.answered,
        failures: result.failures,
      });
    }
    if (CPU_PROFILE_DIR) await statsOf(server, "profile-stop");
    printTable(rows);
    console.log(`(${machineLoad()})`);
    if (rows.some((row) => row.failures > 0) || unexpected.unexpected > 0) process.exitCode = 1;
    if (unexpected.unexpected > 0)
      console.log(`${unexpected.unexpected} login answers were not 200 already-linked`);
    const loginRow = rows.find((row) => row.name === LOGIN);
    const healthRow = rows.find((row) => row.name === HEALTH);
    if (loginRow && healthRow) {
      const ratio = loginRow.requestsPerSecond / healthRow.requestsPerSecond;
      console.log(
        `\nlogin / health req/s at ${CONNECTIONS} connections: ${(ratio * 100).toFixed(1)} % ` +
          `(target ≥ ${TARGET_RATIO * 100} %: ${ratio >= TARGET_RATIO ? "met" : "MISSED"})`,
      );
      const cpuRatio = healthRow.cpuMicrosPerRequest / loginRow.cpuMicrosPerRequest;
      console.log(
        `health / login server CPU per request: ${(cpuRatio * 100).toFixed(1)} % ` +
          "(the ratio of requests/s where the server's CPU alone is the limit)",
      );
    }
    const steadyRow = rows.find((row) => row.name === STEADY);
    if (steadyRun && steadyRow) {
      console.log(
        `steady login: offered ${RATE}/s, sent ${(steadyRun.sent / steadyRun.sendingSeconds).toFixed(0)}/s, ` +
          `answered ${steadyRow.requestsPerSecond.toFixed(0)}/s (${steadyRun.answered} of ${steadyRun.sent}), ` +
          `at most ${steadyRun.mostInFlight} in flight; p50 ${steadyRow.p50.toFixed(2)} ms, ` +
          `p99 ${steadyRow.p99.toFixed(2)} ms (target ≤ ${TARGET_P99_MS} ms: ` +
          `${steadyRow.p99 <= TARGET_P99_MS ? "met" : "MISSED"})`,
      );
      for (const [answer, count] of steadyRun.unexpectedAnswers)
        console.log(`  ${count} steady answers were ${answer}`);
    }
  } finally {
    if (child && child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    await admin.raw("drop schema if exists ?? cascade", [schema]);
    await admin.destroy();
  }
}

if (process.env.CIVILINK_BENCH_ROLE === "server") await serve();
else await main();
