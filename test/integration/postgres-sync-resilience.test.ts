/**
 * The sync (§9) on PostgreSQL when it is interrupted or doubled. A sync SIGKILLed part-way
 * in a process of its own, then run again to the end, leaves what one uninterrupted sync of an
 * identical twin schema leaves: the same links (by user and contact email), as many contacts,
 * no duplicate contacts of an email key beyond the twin's (two users of a domain sharing a new
 * email get a contact each, as a contact links one user per domain). Two syncs of one domain at once, on separate pools, end the same way
 * without an error; two sync jobs started at once give exactly one SyncAlreadyRunning.
 */
import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";
import type { ResultAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Civilink, createCivilink, type SyncReport } from "../../src/index.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { seedSyncDirectory } from "./support/sync-seed.js";
import { WorkerProcess } from "./support/worker-process.js";

const USERS = 20_000;
/** Links seeded already (10% of users): the kill waits for this many more. */
const SEEDED_LINKS = USERS / 10;
const LINKS_BEFORE_KILL = SEEDED_LINKS + 2_000;

async function value<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One schema of its own: a civilink on it, and a plain connection for seeding and checks. */
class SyncSchema {
  readonly name = `sres_${process.pid}_${randomBytes(4).toString("hex")}`;
  readonly sql: Knex = knex({
    client: "pg",
    connection: TEST_DATABASE_URL,
    searchPath: [this.name],
    pool: { min: 0, max: 1 },
  });
  private readonly civilinks: Civilink[] = [];

  civilink(): Civilink {
    const civilink = createCivilink({
      store: "postgres",
      url: TEST_DATABASE_URL,
      schema: this.name,
      poolSize: 6,
    });
    this.civilinks.push(civilink);
    return civilink;
  }

  async seeded(): Promise<this> {
    await value(this.civilink().store.prepare());
    await seedSyncDirectory(this.sql, USERS);
    return this;
  }

  async rows<T>(query: string): Promise<T[]> {
    return ((await this.sql.raw(query)) as { rows: T[] }).rows;
  }

  async count(table: string): Promise<number> {
    const [row] = await this.rows<{ n: string }>(`select count(*) as n from ${table}`);
    return Number(row?.n);
  }

  /** Every link as "domain:user→primary email key of its contact", sorted. */
  async links(): Promise<string[]> {
    const rows = await this.rows<{ link: string }>(
      `select l.domain_id || ':' || l.user_id || '->' || coalesce(e.email, '?') as link
         from links l left join contact_emails e on e.contact_id = l.contact_id and e.is_primary
        order by l.domain_id, l.user_id`,
    );
    return rows.map((row) => row.link);
  }

  /** Email keys held by more than one live contact, with how many. */
  async duplicateKeys(): Promise<string[]> {
    const rows = await this.rows<{ key: string }>(
      `select e.email || ' x' || count(distinct e.contact_id) as key
         from contact_emails e join contacts c on c.id = e.contact_id and not c.is_deleted
        group by e.email having count(distinct e.contact_id) > 1 order by e.email`,
    );
    return rows.map((row) => row.key);
  }

  async state() {
    return {
      links: await this.links(),
      contacts: await this.count("contacts"),
      duplicateKeys: await this.duplicateKeys(),
    };
  }

  async sync(civilink = this.civilinks[0] as Civilink): Promise<SyncReport> {
    return (await value(civilink.synchronizeAllUsers.execute({ domainId: 1 }))).report;
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

if (await shouldRun(postgresTestStore)) {
  describe("sync resilience on PostgreSQL", () => {
    const schemas: SyncSchema[] = [];
    const schema = () => {
      const created = new SyncSchema();
      schemas.push(created);
      return created;
    };
    let twin: SyncSchema;
    let twinState: Awaited<ReturnType<SyncSchema["state"]>>;
    let twinRerun: SyncReport;

    beforeAll(async () => {
      twin = await schema().seeded();
      const report = await twin.sync();
      expect(report.checked).toBe(USERS);
      expect(report.failed).toBe(0);
      twinState = await twin.state();
      twinRerun = await twin.sync();
    }, 60_000);

    afterAll(async () => {
      await Promise.allSettled(schemas.map((each) => each.drop()));
    });

    it("the twin: every user with an email linked, a re-run changes nothing", () => {
      expect(twinState.links).toHaveLength(USERS - USERS / 20);
      expect(twinState.links.filter((link) => link.endsWith("?"))).toEqual([]);
      // A contact links one user per domain: the two users sharing each new key get one each.
      expect(twinState.duplicateKeys).toHaveLength(USERS / 20);
      expect(twinState.duplicateKeys.every((key) => key.endsWith(" x2"))).toBe(true);
      expect(twinRerun).toMatchObject({ checked: USERS, created: 0, matched: 0, failed: 0 });
    });

    it("a sync SIGKILLed part-way and run again ends like one uninterrupted sync", async () => {
      const killed = await schema().seeded();
      const worker = new WorkerProcess("sync-worker.ts", [TEST_DATABASE_URL, killed.name]);
      worker.child.stdin!.end();
      await worker.untilLine("started");
      let linksAtKill = await killed.count("links");
      while (linksAtKill < LINKS_BEFORE_KILL) {
        await Promise.race([sleep(20), worker.exited]);
        linksAtKill = await killed.count("links");
      }
      worker.kill();
      const exit = await worker.exited;
      expect(exit.signal, `the worker finished before the kill:\n${exit.stdout}`).toBe("SIGKILL");
      expect(linksAtKill).toBeLessThan(twinState.links.length);

      const report = await killed.sync();
      expect(report.checked).toBe(USERS);
      expect(report.failed).toBe(0);
      expect(report.created + report.matched).toBeLessThan(USERS - SEEDED_LINKS);
      expect(await killed.state()).toEqual(twinState);
      expect(await killed.sync()).toEqual(twinRerun);
    }, 30_000);

    it("two syncs of one domain at once, on separate pools, end like one sync", async () => {
      const doubled = await schema().seeded();
      const [first, second] = await Promise.all([
        doubled.sync(doubled.civilink()),
        doubled.sync(doubled.civilink()),
      ]);
      for (const report of [first, second]) {
        expect(report.checked).toBe(USERS);
        expect(report.failed).toBe(0);
      }
      expect(await doubled.state()).toEqual(twinState);
      expect(await doubled.sync()).toEqual(twinRerun);

      // Two background jobs started at once from separate instances: one runs, one is refused.
      const [a, b] = [doubled.civilink(), doubled.civilink()];
      const started = await Promise.all([
        a.startSyncJob.execute({ domainId: 1 }),
        b.startSyncJob.execute({ domainId: 1 }),
      ]);
      const refused = started.filter(
        (result) => result.isErr() && result.error.kind === "SyncAlreadyRunning",
      );
      const running = started.flatMap((result) => (result.isOk() ? [result] : []));
      expect(refused).toHaveLength(1);
      expect(running).toHaveLength(1);
      const job = (running[0] as (typeof running)[number]).value;
      const owner = started[0]?.isOk() ? a : b;
      for (let waited = 0; ; waited += 100) {
        const seen = await value(owner.getSyncJob.execute({ jobId: job.id }));
        if (seen.status !== "running") {
          expect(seen.status).toBe("succeeded");
          expect(seen.report).toEqual(twinRerun);
          break;
        }
        expect(waited).toBeLessThan(20_000);
        await sleep(100);
      }
    }, 40_000);
  });
}
