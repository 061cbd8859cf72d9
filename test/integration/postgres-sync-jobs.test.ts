/**
 * Sync jobs on PostgreSQL never stay stuck: a running job is held by a database session of its
 * own process, so the job of a process that died (or lost that session) no longer blocks its
 * domain, at once; a run the store stopped ends as soon as the store answers again, saying
 * which store stopped it; a job that ends early keeps what it had done.
 */
import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";
import type { ResultAsync } from "neverthrow";
import { afterAll, describe, expect, it } from "vitest";
import { type Civilink, createCivilink, type SyncJob } from "../../src/index.js";
import { jobLockSpaceOf } from "../../src/infrastructure/persistence/sql/sync-job-sessions.js";
import { type ServerProcess, startServerProcess } from "../blackbox/server-process.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { seedSyncDirectory } from "./support/sync-seed.js";
import { TcpProxy } from "./support/tcp-proxy.js";

const USERS = 20_000;
const SECRET = "jobs-test-secret";

async function value<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it answers a value, for at most `ms`. */
async function until<T>(check: () => Promise<T | null>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

/** A schema of its own, with a plain connection for seeding and looking. */
class JobSchema {
  readonly name = `jobs_${process.pid}_${randomBytes(4).toString("hex")}`;
  readonly sql: Knex = knex({
    client: "pg",
    connection: TEST_DATABASE_URL,
    searchPath: [this.name],
    pool: { min: 0, max: 2 },
  });
  private readonly civilinks: Civilink[] = [];

  civilink(url = TEST_DATABASE_URL): Civilink {
    const civilink = createCivilink({ store: "postgres", url, schema: this.name, poolSize: 4 });
    this.civilinks.push(civilink);
    return civilink;
  }

  /** DATABASE_URL of a server process working in this schema. */
  get url(): string {
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${this.name}`);
    return url.toString();
  }

  async seeded(users = USERS): Promise<this> {
    await value(this.civilink().store.prepare());
    await seedSyncDirectory(this.sql, users);
    return this;
  }

  async job(id: string): Promise<{ status: string; message: string | null; processed: number }> {
    const row = (await this.sql("sync_jobs").where({ id }).first()) as {
      status: string;
      message: string | null;
      processed: string;
    };
    return { ...row, processed: Number(row.processed) };
  }

  /**
   * Ends the session holding domain 1's job lock in this schema's space only: a batch's
   * transaction locks (LOCK_SPACE, bucket) look alike but for their first key, and other
   * test files run jobs in schemas of their own at the same time.
   */
  terminateJobSession() {
    return this.sql.raw(
      `select pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and classid = ? and objid = 1 and objsubid = 2 and granted`,
      [jobLockSpaceOf(this.name)],
    );
  }

  async drop(): Promise<void> {
    await Promise.allSettled(this.civilinks.map((civilink) => civilink.close()));
    try {
      await this.sql.raw("drop schema if exists ?? cascade", [this.name]);
    } finally {
      await this.sql.destroy();
    }
  }
}

async function http(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${SECRET}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

if (await shouldRun(postgresTestStore)) {
  describe("sync jobs on PostgreSQL", () => {
    const schemas: JobSchema[] = [];
    const servers: ServerProcess[] = [];
    const schema = () => {
      const created = new JobSchema();
      schemas.push(created);
      return created;
    };

    afterAll(async () => {
      await Promise.allSettled(servers.map((server) => server.stop()));
      await Promise.allSettled(schemas.map((each) => each.drop()));
    });

    const serve = async (jobs: JobSchema) => {
      const server = await startServerProcess({
        DATABASE_URL: jobs.url,
        CIVILINK_API_KEYS: `ops:${SECRET}:admin`,
      });
      servers.push(server);
      return server;
    };

    it("a server SIGKILLed mid-sync does not block the next one: its job fails at once, keeping its counters", async () => {
      const jobs = await schema().seeded();
      const first = await serve(jobs);
      const started = await http(first, "POST", "/v1/domains/1/sync", {});
      expect(started.status).toBe(202);
      const jobId = started.body.id as string;
      await until(
        async () => ((await jobs.job(jobId)).processed >= 2_000 ? true : null),
        60_000,
        "progress of the first job",
      );
      process.kill(first.pid, "SIGKILL");
      await first.exited;

      const second = await serve(jobs);
      const again = await http(second, "POST", "/v1/domains/1/sync", {});
      expect(again.status, JSON.stringify(again.body)).toBe(202);
      const orphan = (await http(second, "GET", `/v1/sync-jobs/${jobId}`))
        .body as unknown as SyncJob;
      expect(orphan).toMatchObject({
        status: "failed",
        message: expect.stringMatching(/went away/),
      });
      expect(orphan.finishedAt).not.toBeNull();
      expect(orphan.progress.processed).toBeGreaterThanOrEqual(2_000);
      // The counters of the users it had done, as its last progress write recorded them.
      expect(orphan.report.checked).toBe(orphan.progress.processed);

      const next = await until(
        async () => {
          const seen = (await http(second, "GET", `/v1/sync-jobs/${again.body.id}`)).body;
          return seen.status === "running" ? null : seen;
        },
        60_000,
        "the second job",
      );
      expect(next).toMatchObject({ status: "succeeded", report: { checked: USERS, failed: 0 } });
    }, 120_000);

    it("a job held by a live process blocks its domain; once that session ends, the next start fails it at once", async () => {
      const jobs = await schema().seeded(100);
      const holder = jobs.civilink();
      const other = jobs.civilink();
      const held = await value(
        holder.store.syncJobs.create({
          id: "held-elsewhere",
          domainId: 1,
          dryRun: false,
          startedAt: new Date(),
        }),
      );
      expect(held.status).toBe("running");
      const refused = await other.startSyncJob.execute({ domainId: 1 });
      expect(refused.isErr() && refused.error).toMatchObject({
        kind: "SyncAlreadyRunning",
        runningJobId: "held-elsewhere",
      });

      // The holder's session goes away (a lost connection, a killed process).
      const { rows } = await jobs.terminateJobSession();
      expect(rows.length).toBeGreaterThan(0);
      await until(
        async () =>
          (await value(
            holder.store.syncJobs.recordProgress(
              "held-elsewhere",
              { processed: 0, total: 0 },
              new Date(),
            ),
          )) === "lost"
            ? true
            : null,
        5_000,
        "the holder to see its hold lost",
      );

      const started = await value(other.startSyncJob.execute({ domainId: 1 }));
      expect(started.status).toBe("running");
      expect(await jobs.job("held-elsewhere")).toMatchObject({
        status: "failed",
        message: expect.stringMatching(/went away/),
      });
      await other.startSyncJob.whenIdle();
      expect((await value(other.getSyncJob.execute({ jobId: started.id }))).status).toBe(
        "succeeded",
      );
    });

    it("a run whose session is lost stops, ends failed saying so, and frees the domain", async () => {
      const jobs = await schema().seeded();
      const app = jobs.civilink();
      const started = await value(app.startSyncJob.execute({ domainId: 1 }));
      await until(
        async () => ((await jobs.job(started.id)).processed > 0 ? true : null),
        60_000,
        "progress",
      );
      await jobs.terminateJobSession();
      await app.startSyncJob.whenIdle();
      const ended = await value(app.getSyncJob.execute({ jobId: started.id }));
      expect(ended.status).toBe("failed");
      expect(ended.message).toMatch(/no longer held the job/);
      expect(ended.report.checked).toBeGreaterThan(0);
      expect(ended.report.checked).toBeLessThan(USERS);
    }, 60_000);

    it("a run the store stopped ends as soon as the store is back, naming the store, with what it committed", async () => {
      const jobs = await schema().seeded();
      const target = new URL(TEST_DATABASE_URL);
      const proxy = await TcpProxy.open({
        targetHost: target.hostname,
        targetPort: Number(target.port || 5432),
      });
      try {
        const url = new URL(TEST_DATABASE_URL);
        url.hostname = proxy.host;
        url.port = String(proxy.port);
        const app = jobs.civilink(url.toString());
        const started = await value(app.startSyncJob.execute({ domainId: 1 }));
        await until(
          async () => ((await jobs.job(started.id)).processed >= 2_000 ? true : null),
          60_000,
          "progress",
        );
        await proxy.stop();
        await sleep(3_000);
        expect((await jobs.job(started.id)).status).toBe("running");
        await proxy.start();
        const backAt = Date.now();
        const ended = await until(
          async () => {
            const row = await jobs.job(started.id);
            return row.status === "running" ? null : row;
          },
          10_000,
          "the job to end once the store is back",
        );
        expect(Date.now() - backAt).toBeLessThan(3_000);
        expect(ended.status).toBe("failed");
        expect(ended.message).toContain(`PostgreSQL at ${proxy.host}:${proxy.port}`);
        expect(ended.message).toMatch(/could not finish/);

        const job = await value(app.getSyncJob.execute({ jobId: started.id }));
        const links = Number((await jobs.sql("links").count({ n: "*" }))[0]?.n);
        // Seeded links (10%) plus one per user matched or created by the counted batches; a
        // batch whose commit reached the server as the connection dropped is in doubt: it may
        // be written without being counted, never the other way round.
        expect(job.report.checked).toBeGreaterThan(0);
        const linkedByRun = links - USERS / 10;
        const counted = job.report.matched + job.report.created;
        expect(linkedByRun).toBeGreaterThanOrEqual(counted);
        expect(linkedByRun - counted).toBeLessThanOrEqual(1_000);
        expect(job.progress.processed).toBe(job.report.checked);

        // The domain is free again at once.
        const next = await value(app.startSyncJob.execute({ domainId: 1 }));
        await app.startSyncJob.whenIdle();
        expect((await value(app.getSyncJob.execute({ jobId: next.id }))).status).toBe("succeeded");
      } finally {
        await proxy.start();
        await proxy.stop();
      }
    }, 120_000);
  });
} else {
  describe.skip("sync jobs on PostgreSQL", () => it.skip("needs PostgreSQL", () => {}));
}
