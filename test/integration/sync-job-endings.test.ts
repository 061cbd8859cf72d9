/**
 * A sync job that ends early keeps what it had done, on every store: stopped by a shutdown,
 * its report holds the counters of the users it processed (and committed) before it stopped,
 * and its progress says as many. On the embedded store, which one process owns, a job found
 * running when the store opens belongs to a process that ended: it is failed at once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResultAsync } from "neverthrow";
import { afterAll, describe, expect, it } from "vitest";
import { type Civilink, createCivilink, type ImportRow, type SyncJob } from "../../src/index.js";
import { ALL_TEST_STORES, shouldRun } from "../support/test-stores.js";

const USERS = 20_000;

async function value<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function* users(count: number): AsyncGenerator<ImportRow> {
  for (let userId = 1; userId <= count; userId++) {
    yield { line: userId, user: { userId, email: `user${userId}@x.org` } };
  }
}

async function jobOf(app: Civilink, jobId: string): Promise<SyncJob> {
  return value(app.getSyncJob.execute({ jobId }));
}

for (const testStore of ALL_TEST_STORES) {
  if (!(await shouldRun(testStore))) continue;

  describe(`a sync job stopped part-way on ${testStore.name}`, () => {
    it("keeps the counters of the users it had done in its report and progress", async () => {
      const app = await testStore.makeCivilink();
      try {
        await value(app.importUsers.execute({ domainId: 1, rows: users(USERS) }));
        const started = await value(app.startSyncJob.execute({ domainId: 1 }));
        for (let waited = 0; (await jobOf(app, started.id)).progress.processed === 0; waited++) {
          if (waited > 600) throw new Error("no progress within 30 s");
          await sleep(50);
        }
        app.startSyncJob.stopAll("The server shut down.");
        await app.startSyncJob.whenIdle();

        const job = await jobOf(app, started.id);
        expect(job).toMatchObject({ status: "failed", message: "The server shut down." });
        expect(job.report.checked).toBeGreaterThan(0);
        expect(job.report.checked).toBeLessThan(USERS);
        expect(job.report.created).toBe(job.report.checked);
        expect(job.progress.processed).toBe(job.report.checked);
        const links = await value(app.listLinks.execute({ domainId: 1, limit: 1000 }));
        expect(links.items.length).toBe(Math.min(1000, job.report.created));
      } finally {
        await app.close();
      }
    }, 60_000);
  });
}

describe("a sync job found running when the embedded store opens", () => {
  let root: string;

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("is failed at once, and the domain syncs again right away", async () => {
    root = await mkdtemp(join(tmpdir(), "civilink-jobs-"));
    const dataDir = join(root, "pglite");
    const crashed = createCivilink({ store: "pglite", dataDir });
    await value(
      crashed.store.syncJobs.create({
        id: "left-running",
        domainId: 1,
        dryRun: false,
        startedAt: new Date(),
      }),
    );
    // The process ends without ending its job (as after a kill): only the files remain.
    await crashed.store.close();

    const reopened = createCivilink({ store: "pglite", dataDir });
    try {
      const left = await jobOf(reopened, "left-running");
      expect(left).toMatchObject({
        status: "failed",
        message: "The sync stopped: the process running it ended before it finished.",
      });
      expect(left.finishedAt).not.toBeNull();
      const next = await value(reopened.startSyncJob.execute({ domainId: 1 }));
      expect(next.status).toBe("running");
      await reopened.startSyncJob.whenIdle();
      expect((await jobOf(reopened, next.id)).status).toBe("succeeded");
    } finally {
      await reopened.close();
    }
  });
});
