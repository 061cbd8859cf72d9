/**
 * The embedded store has one owner: the first process (or open store) to open a PGlite data
 * directory keeps it until it exits or closes it. Every other process is refused at once, with
 * one line naming the directory, the owner and what to do instead; a killed owner never
 * blocks the next start; the directory is private to the user running civilink.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCivilink, SqlStore } from "../../src/index.js";
import { startServerProcess } from "../blackbox/server-process.js";
import { runCli } from "../cli/support/run-cli.js";

const KEY = "ops:owner-test-secret:admin";

async function post(url: string, path: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { Authorization: "Bearer owner-test-secret", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function modesUnder(directory: string): { path: string; mode: number }[] {
  const entries = readdirSync(directory, { recursive: true, withFileTypes: true });
  return [
    { path: directory, mode: statSync(directory).mode & 0o777 },
    ...entries
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return { path, mode: statSync(path).mode & 0o777 };
      }),
  ];
}

describe("one owner per embedded store", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "civilink-owner-"));
    // mkdtemp makes it 0700: open it up, so that only the store's own protection counts.
    await chmod(root, 0o755);
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("refuses every other command and server at once while a server owns the store, and loses nothing", async () => {
    const dataDir = join(root, "served");
    const env = { CIVILINK_DATA_DIR: dataDir, CIVILINK_API_KEYS: KEY };
    const server = await startServerProcess(env);
    try {
      const first = await post(server.url, "/v1/domains/1/users/1/logged-in", {
        email: "first@x.org",
      });
      expect(first.body).toMatchObject({ outcome: "created-contact", contactId: 1 });

      const pglite = join(dataDir, "pglite");
      const attempts: string[][] = [
        ["link", "2", "--email", "second@x.org"],
        ["sync"],
        ["migrate"],
        ["serve", "--port", "0"],
      ];
      for (const args of attempts) {
        const started = Date.now();
        const run = await runCli(args, env);
        const elapsed = Date.now() - started;
        expect(run.code, args.join(" ")).toBe(3);
        const lines = run.stderr.trim().split("\n");
        expect(lines).toHaveLength(1);
        const [line] = lines as [string];
        expect(line).toContain(pglite);
        expect(line).toMatch(/in use by process \d+ \(.*serve --port 0/);
        expect(line).toContain("POST /v1/domains/1/sync");
        expect(line).toContain("DATABASE_URL");
        expect(run.stdout).not.toContain("listening");
        // Within 2 s of the command's own start (tsx compiling the CLI takes most of it here).
        expect(elapsed, args.join(" ")).toBeLessThan(10_000);
      }

      // The server kept working and handed out the next contact id: nothing was written beside it.
      const second = await post(server.url, "/v1/domains/1/users/2/logged-in", {
        email: "second@x.org",
      });
      expect(second.body).toMatchObject({ outcome: "created-contact", contactId: 2 });
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // Once the owner exited, the next command opens the store and finds both users.
    const after = await runCli(["link", "1", "--email", "first@x.org", "--json"], env);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ outcome: "already-linked", contactId: 1 });
  });

  it("answers the refusal within 2 s of opening", async () => {
    const dataDir = join(root, "timed");
    const owner = createCivilink({ store: "pglite", dataDir });
    try {
      expect((await owner.store.prepare()).isOk()).toBe(true);
      const started = Date.now();
      const second = createCivilink({ store: "pglite", dataDir });
      const refused = await second.listDomains.execute();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(refused.isErr() && refused.error).toMatchObject({
        kind: "StoreUnavailable",
        message: expect.stringContaining(`in use by process ${process.pid}`),
      });
      await second.close();
    } finally {
      await owner.close();
    }
  });

  it("a second store in the same process is refused until the first one closes", async () => {
    const dataDir = join(root, "same-process");
    const first = SqlStore.open({ connection: { kind: "pglite", dataDir } });
    expect((await first.prepare()).isOk()).toBe(true);
    const second = SqlStore.open({ connection: { kind: "pglite", dataDir } });
    const refused = await second.prepare();
    expect(refused.isErr() && refused.error.kind).toBe("StoreUnavailable");
    expect(await second.ping()).toBe(false);
    await second.close();
    await first.close();

    const third = SqlStore.open({ connection: { kind: "pglite", dataDir } });
    expect((await third.prepare()).isOk()).toBe(true);
    await third.close();
  });

  it("a SIGKILLed owner does not block the next start", async () => {
    const dataDir = join(root, "killed");
    const env = { CIVILINK_DATA_DIR: dataDir, CIVILINK_API_KEYS: KEY };
    const server = await startServerProcess(env);
    const linked = await post(server.url, "/v1/domains/1/users/7/logged-in", {
      email: "kept@x.org",
    });
    expect(linked.body).toMatchObject({ outcome: "created-contact" });
    const pid = Number(/in use by process (\d+)/.exec((await runCli(["sync"], env)).stderr)?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });

    const next = await runCli(["link", "7", "--email", "kept@x.org", "--json"], env);
    expect(next.stderr).toBe("");
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ outcome: "already-linked" });
  });

  it("keeps the data directory private: 0700 directories, files readable by their owner only", async () => {
    const dataDir = join(root, "private");
    const civilink = createCivilink({ store: "pglite", dataDir: join(dataDir, "pglite") });
    expect((await civilink.store.prepare()).isOk()).toBe(true);
    const result = await civilink.linkOnLogin.execute({
      domainId: 1,
      userId: 1,
      profile: { email: "secret@x.org" },
    });
    expect(result.isOk()).toBe(true);
    await civilink.close();

    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const open = modesUnder(join(dataDir, "pglite")).filter(({ mode }) => (mode & 0o077) !== 0);
    expect(open).toEqual([]);
  });

  it("another user cannot read the files, even those PGlite creates after the store opened", async (context) => {
    if (process.getuid?.() !== 0) {
      context.skip("only root can run a check as another user here");
      return;
    }
    const dataDir = join(root, "other-user");
    const civilink = createCivilink({ store: "pglite", dataDir });
    expect((await civilink.store.prepare()).isOk()).toBe(true);
    // New relation files, made after the store made its directory private.
    await civilink.linkOnLogin.execute({ domainId: 1, userId: 1, profile: { email: "w@x.org" } });
    await civilink.close();
    const wal = readdirSync(join(dataDir, "pg_wal")).find((name) => /^[0-9A-F]{24}$/.test(name));
    expect(wal).toBeDefined();
    const read = spawnSync(
      process.execPath,
      [
        "-e",
        "process.setgid(65534); process.setuid(65534); require('fs').readFileSync(process.argv[1])",
        join(dataDir, "pg_wal", wal as string),
      ],
      { encoding: "utf8" },
    );
    expect(read.status).not.toBe(0);
    expect(read.stderr).toContain("EACCES");
  });

  it("a server that cannot own the store exits non-zero before it listens", async () => {
    const dataDir = join(root, "served-twice");
    const owner = createCivilink({ store: "pglite", dataDir: join(dataDir, "pglite") });
    expect((await owner.store.prepare()).isOk()).toBe(true);
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "src/interfaces/cli/run.ts", "serve", "--port", "0"],
        {
          env: { PATH: process.env.PATH ?? "", CIVILINK_DATA_DIR: dataDir, CIVILINK_API_KEYS: KEY },
        },
      );
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(3);
      expect(output).not.toContain("listening");
      expect(output).toContain(`in use by process ${process.pid}`);
    } finally {
      await owner.close();
    }
  });
});
