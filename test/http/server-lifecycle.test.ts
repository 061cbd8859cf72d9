import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { firstStatus, keepAliveGet, rawConnection } from "./support/raw-connection.js";

/** `civilink serve` as its own process: start, shutdown on SIGTERM, keys, bad configuration. */

const CLI = fileURLToPath(new URL("../../src/interfaces/cli/run.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const ADMIN_SECRET = "lifecycle-admin-secret";
const EVENTS_SECRET = "lifecycle-events-secret";
const MEMORY_ENV = {
  CIVILINK_STORE: "memory",
  CIVILINK_API_KEYS: `ops:${ADMIN_SECRET}:admin,cms:${EVENTS_SECRET}:events`,
  CIVILINK_RATE_LIMIT_PER_MINUTE: "0",
};

interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

afterEach(() => {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  running.clear();
});

/** Spawns `civilink serve --port 0` with exactly `env` (plus PATH). */
function spawnServe(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "serve", "--port", "0", "--host", "127.0.0.1"],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", CIVILINK_LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Starts the server and waits for its `civilink listening on URL` line. */
async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const started = spawnServe(env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line in 60 s:\n${started.stdout()}${started.stderr()}`)),
      60_000,
    );
    const check = () => {
      const found = /^civilink listening on (http:\/\/127\.0\.0\.1:\d+) \(store: \w+\)$/m.exec(
        started.stdout(),
      );
      if (!found) return;
      clearTimeout(timer);
      started.child.stdout?.off("data", check);
      resolve(found[1] as string);
    };
    started.child.stdout?.on("data", check);
    void started.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(
        new Error(`exited with ${code} before listening:\n${started.stdout()}${started.stderr()}`),
      );
    });
  });
  return { ...started, url };
}

/** Waits until the server's stdout matches `pattern`; rejects after `ms`. */
async function stdoutMatching(server: ServeProcess, pattern: RegExp, ms = 5_000) {
  for (const deadline = Date.now() + ms; !pattern.test(server.stdout()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in stdout:\n${server.stdout()}`);
  }
  return server.stdout();
}

/** Resolves with the exit, or rejects when the process is still running after `ms`. */
async function exitWithin(server: ServeProcess, ms: number) {
  const timeout = sleep(ms).then(() => {
    throw new Error(`still running ${ms} ms later:\n${server.stdout()}${server.stderr()}`);
  });
  return Promise.race([server.exited, timeout]);
}

const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });

/** A request on a connection of its own (no keep-alive pool), to see whether one is accepted. */
function freshConnectionStatus(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const probe = http.get(`${url}/health`, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    probe.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** The answer to a request: its status, `Connection` header and JSON body. */
interface Answer {
  status: number;
  connection: string | undefined;
  body: unknown;
}

/**
 * A request whose body the test writes piece by piece, as slowly as it likes: once its first
 * piece is out, the request is surely in flight for as long as the test wants.
 */
function slowRequest(
  url: string,
  path: string,
  headers: Record<string, string>,
  agent: http.Agent | false = false,
) {
  const request = http.request(`${url}${path}`, { method: "POST", agent, headers });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          connection: response.headers.connection,
          body: JSON.parse(text),
        }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
  request.flushHeaders();
  return { request, answer };
}

/** A streamed user import (NDJSON) whose lines the test writes when it likes. */
function streamedImport(url: string) {
  const { request, answer } = slowRequest(url, "/v1/domains/1/users/import", {
    ...bearer(ADMIN_SECRET),
    "Content-Type": "application/x-ndjson",
  });
  const writeUsers = (from: number, to: number) => {
    const lines: string[] = [];
    for (let userId = from; userId <= to; userId++) {
      lines.push(JSON.stringify({ userId, email: `imported${userId}@example.org` }));
    }
    request.write(`${lines.join("\n")}\n`);
  };
  return { request, answer, writeUsers };
}

/** A login whose JSON body is sent in two halves; `finish()` sends the second. */
function halfSentLogin(url: string, userId: number, agent: http.Agent) {
  const body = JSON.stringify({ email: `login${userId}@example.org`, firstName: "In" });
  const { request, answer } = slowRequest(
    url,
    `/v1/domains/1/users/${userId}/logged-in`,
    {
      ...bearer(EVENTS_SECRET),
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
    },
    agent,
  );
  request.write(body.slice(0, 10));
  return { answer, finish: () => request.end(body.slice(10)) };
}

describe("civilink serve as a process", () => {
  it("on SIGTERM stops taking connections, finishes the requests in flight and exits 0", async () => {
    const server = await startServe(MEMORY_ENV);
    // Keep-alive connections, as a CMS's HTTP client keeps them: each carries a request
    // before the signal (they stay open afterwards) and one across it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    try {
      const warmUps = Array.from({ length: 10 }, (_, index) => {
        const login = halfSentLogin(server.url, 20_000 + index, agent);
        login.finish();
        return login.answer;
      });
      for (const warmUp of await Promise.all(warmUps)) expect(warmUp.status).toBe(200);

      const upload = streamedImport(server.url);
      upload.writeUsers(1, 1_500);
      const logins = Array.from({ length: 10 }, (_, index) =>
        halfSentLogin(server.url, 10_000 + index, agent),
      );
      await sleep(300);
      server.child.kill("SIGTERM");
      const signalledAt = Date.now();

      // The requests go on after the signal: the rest of their bodies, in pieces.
      for (let batch = 0; batch < 6; batch++) {
        await sleep(100);
        upload.writeUsers(1_501 + batch * 250, 1_500 + (batch + 1) * 250);
        if (batch === 2) {
          // Half a second after SIGTERM: the listener is closed to new connections.
          expect(await freshConnectionStatus(server.url)).toBe("ECONNREFUSED");
          expect(server.child.exitCode).toBeNull();
          for (const login of logins) login.finish();
        }
      }
      upload.request.end();

      const imported = await upload.answer;
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      expect(imported.body).toMatchObject({ imported: 3_000, updated: 0, rejected: [] });
      for (const login of await Promise.all(logins.map((login) => login.answer))) {
        expect(login.status, JSON.stringify(login.body)).toBe(200);
        expect(["created-contact", "linked-existing"]).toContain(
          (login.body as { outcome: string }).outcome,
        );
        // The server lets no keep-alive connection outlive the answer it is finishing.
        expect(login.connection).toBe("close");
      }
      const finishedAt = Date.now();
      expect(finishedAt - signalledAt).toBeGreaterThan(500);

      // Soon: not after the keep-alive timeout (5 s) of connections the client keeps open.
      const exit = await exitWithin(server, 2_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toBe("");
      expect(server.stdout()).not.toMatch(/"level":(50|60)/);
    } finally {
      agent.destroy();
    }
  }, 60_000);

  it("on SIGTERM during a sync over a few thousand users still exits 0 soon", async () => {
    const server = await startServe(MEMORY_ENV);
    const upload = streamedImport(server.url);
    upload.writeUsers(1, 4_000);
    upload.request.end();
    expect((await upload.answer).status).toBe(200);

    const started = await fetch(`${server.url}/v1/domains/1/sync`, {
      method: "POST",
      headers: { ...bearer(ADMIN_SECRET), "Content-Type": "application/json" },
      body: "{}",
    });
    expect(started.status).toBe(202);
    await started.arrayBuffer();
    server.child.kill("SIGTERM");

    const exit = await exitWithin(server, 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe("");
  }, 60_000);

  it("prints a generated admin key on the first PGlite start only; the key keeps working", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "civilink-lifecycle-"));
    try {
      const env = { CIVILINK_DATA_DIR: dataDir };
      const first = await startServe(env);
      expect(first.stdout()).toMatch(/\(store: pglite\)/);
      // The key line comes right after the listening line.
      const keyLines = (await stdoutMatching(first, /shown only now.*\n/))
        .split("\n")
        .filter((line) => /admin api key/i.test(line));
      expect(keyLines).toHaveLength(1);
      const secret = /shown only now \([^)]*\): (\S+)$/.exec(keyLines[0] as string)?.[1];
      expect(secret).toBeDefined();
      const key = secret as string;
      expect(first.stdout().split(key)).toHaveLength(2);
      expect((await readFile(join(dataDir, "admin-key.sha256"), "utf8")).includes(key)).toBe(false);

      const domains = await fetch(`${first.url}/v1/domains`, { headers: bearer(key) });
      expect(domains.status).toBe(200);
      expect(await domains.json()).toMatchObject({ domains: [{ id: 1 }] });
      expect((await fetch(`${first.url}/v1/domains`)).status).toBe(401);
      first.child.kill("SIGTERM");
      expect(await exitWithin(first, 15_000)).toEqual({ code: 0, signal: null });

      const second = await startServe(env);
      await sleep(500);
      expect(second.stdout()).not.toMatch(/admin api key/i);
      expect(second.stdout()).not.toContain(key);
      const again = await fetch(`${second.url}/v1/domains/1`, { headers: bearer(key) });
      expect(again.status).toBe(200);
      const wrong = await fetch(`${second.url}/v1/domains/1`, { headers: bearer(`${key}x`) });
      expect(wrong.status).toBe(401);
      second.child.kill("SIGTERM");
      expect(await exitWithin(second, 15_000)).toEqual({ code: 0, signal: null });
      expect(`${first.stderr()}${second.stderr()}`).not.toContain(key);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("answers 429 after 100 failed authentications a minute from an address, by default", async () => {
    const { CIVILINK_RATE_LIMIT_PER_MINUTE: _perKey, ...env } = MEMORY_ENV;
    const server = await startServe(env);
    const statusWith = async (secret: string) => {
      const response = await fetch(`${server.url}/v1/domains`, { headers: bearer(secret) });
      await response.arrayBuffer();
      return response.status;
    };
    for (let attempt = 0; attempt < 100; attempt++) {
      expect(await statusWith(`guess-${attempt}`)).toBe(401);
    }
    expect(await statusWith("guess-100")).toBe(429);
    expect(await statusWith(ADMIN_SECRET)).toBe(429);
    server.child.kill("SIGTERM");
    expect(await exitWithin(server, 15_000)).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe("");
  }, 60_000);

  it("bounds connections as the CIVILINK_HTTP_* variables say", async () => {
    const server = await startServe({
      ...MEMORY_ENV,
      CIVILINK_HTTP_HEADERS_TIMEOUT_MS: "500",
      CIVILINK_HTTP_REQUEST_TIMEOUT_MS: "1000",
      CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS: "300",
      CIVILINK_HTTP_MAX_CONNECTIONS: "3",
      CIVILINK_HTTP_MAX_HEADER_BYTES: "4096",
    });
    const silent = await rawConnection(server.url);
    const answered = await rawConnection(server.url);
    answered.socket.write(keepAliveGet("/health"));
    await answered.receivedAtLeast(/"ok"\}$/);
    const answeredAt = Date.now();
    const large = await rawConnection(server.url);
    large.socket.write(keepAliveGet("/health", `X-Padding: ${"a".repeat(6_000)}\r\n`));
    expect(await large.closedWithin(1_000)).not.toBeNull();
    expect(firstStatus(large.received())).toBe(431);

    expect(await silent.closedWithin(2_500)).not.toBeNull();
    expect(firstStatus(silent.received())).toBe(408);
    expect(await answered.closedWithin(3_000, answeredAt)).not.toBeNull();
    expect(firstStatus(answered.received())).toBe(200);

    const held = await Promise.all([1, 2, 3].map(() => rawConnection(server.url)));
    const beyond = await rawConnection(server.url);
    beyond.socket.write(keepAliveGet("/health"));
    expect(await beyond.closedWithin(1_000)).not.toBeNull();
    expect(beyond.received()).toBe("");
    for (const connection of held) connection.socket.destroy();

    server.child.kill("SIGTERM");
    expect(await exitWithin(server, 15_000)).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe("");
  }, 60_000);

  it("refuses an invalid CIVILINK_API_KEYS with exit 2 and one line on stderr", async () => {
    const invalid = [
      "cms:s3cret-never-shown:bogus",
      "cms-s3cret-never-shown-events",
      ":s3cret-never-shown:events",
      "cms:s3cret-never-shown:events,cms:other-s3cret-never-shown:read",
      "cms:other-s3cret:events,ops:s3cret-never-shown with-a-space:admin",
      "cms:s3cret-never-shown:events,ops:s3cret-never-shown:admin",
    ];
    const runs = await Promise.all(
      invalid.map(async (value) => {
        const started = spawnServe({ CIVILINK_STORE: "memory", CIVILINK_API_KEYS: value });
        const exit = await Promise.race([
          started.exited,
          sleep(30_000).then(() => ({ code: "timeout" as const, signal: null })),
        ]);
        return { value, exit, stdout: started.stdout(), stderr: started.stderr() };
      }),
    );
    for (const run of runs) {
      const context = JSON.stringify(run);
      expect(run.exit, context).toEqual({ code: 2, signal: null });
      expect(run.stderr, context).toMatch(/^civilink: [^\n]*CIVILINK_API_KEYS[^\n]*\n$/);
      expect(run.stderr, context).not.toContain("s3cret-never-shown");
      expect(run.stdout, context).not.toMatch(/listening/);
    }
  }, 60_000);
});
