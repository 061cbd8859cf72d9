import { ok } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  type BatchWrites,
  type Civilink,
  InProcessSyncJobRunner,
  randomIds,
  StartSyncJob,
  StoreUnavailableError,
  type SyncJob,
  type SyncJobRepository,
  type SyncJobTimings,
  systemClock,
  type UnitOfWork,
  type UserProfile,
} from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import { sequentialIds } from "../../support/sequential-ids.js";
import { putDomain } from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, type Harness, harness, snapshot } from "./helpers.js";

/** The memory store with the real clock: heartbeats are judged against the time of day. */
const memory = () => harness({ clock: systemClock });

/** A clock that stands still, so that two runs of the same work write the same times. */
const fixedClock = { now: () => new Date("2024-01-01T00:00:00Z") };

const EMAILS = ["a@x.org", "m@x.org", "n@x.org", "e@x.org"];

/** Domain 2 (joomla) with a linked user, one matching a contact, two new, two without email. */
async function mixedDirectory(app: Civilink) {
  await putDomain(app, 2, { cms: "joomla" });
  const users: [number, UserProfile][] = [
    [7, { email: "n@x.org" }],
    [1, { email: "a@x.org" }],
    [3, { email: "M@x.org", firstName: "Mia" }],
    [9, { email: "e@x.org" }],
    [4, { username: "nomail" }],
    [5, { email: "not-an-email" }],
  ];
  for (const [userId, profile] of users) {
    await expectOk(app.linkOnRegistration.execute({ domainId: 2, userId, profile }));
  }
  await expectOk(
    app.linkOnInteraction.execute({ domainId: 2, userId: 1, kind: "other", profile: {} }),
  );
  await expectOk(app.createContact.execute({ emails: [{ email: "m@x.org" }] }));
}

/** `count` users with distinct emails in domain 1's directory, in one transaction. */
async function bigDirectory(store: UnitOfWork, count: number) {
  await expectOk(
    store.transaction({}, async (stores) => {
      for (let userId = 1; userId <= count; userId++) {
        await stores.users.put({ domainId: 1, userId, email: `user${userId}@x.org` });
      }
      return ok(undefined);
    }),
  );
}

const jobOf = (app: Civilink, jobId: string) => expectOk(app.getSyncJob.execute({ jobId }));

/** Waits for the jobs started through `app` to end and answers this one as it ended. */
async function ended(app: Civilink, job: SyncJob): Promise<SyncJob> {
  await app.startSyncJob.whenIdle();
  return jobOf(app, job.id);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** StartSyncJob on the store with these sync jobs, run at this pace. */
const startSyncJobOn = (
  store: UnitOfWork,
  jobs: SyncJobRepository,
  timings: Partial<SyncJobTimings> = {},
) =>
  new StartSyncJob(
    store,
    jobs,
    systemClock,
    randomIds,
    new InProcessSyncJobRunner(store, jobs, systemClock, timings),
  );

/** The store's sync jobs, counting the progress writes. */
function countingJobs(inner: SyncJobRepository) {
  const counted = { progressWrites: 0 };
  const jobs: SyncJobRepository = {
    create: (job) => inner.create(job),
    recordProgress: (id, progress, at) => {
      counted.progressWrites++;
      return inner.recordProgress(id, progress, at);
    },
    finish: (id, ending, at) => inner.finish(id, ending, at),
    get: (id) => inner.get(id),
    list: (domainId, page) => inner.list(domainId, page),
    failOrphaned: (orphans) => inner.failOrphaned(orphans),
  };
  return { jobs, counted };
}

describe("startSyncJob / getSyncJob: errors", () => {
  it.each(BAD_IDS)("refuses domainId %s", async (id) => {
    const { app, calls } = memory();
    expect(await expectInvalid(app.startSyncJob.execute({ domainId: id }))).toEqual(["domainId"]);
    expect(calls).toEqual([]);
  });

  it("refuses a dryRun that is not a boolean", async () => {
    const { app } = memory();
    const input = { domainId: 1, dryRun: "yes" as unknown as boolean };
    expect(await expectInvalid(app.startSyncJob.execute(input))).toEqual(["dryRun"]);
  });

  it("a missing domain is DomainNotFound and starts no job", async () => {
    const { app } = memory();
    const error = await expectErr(app.startSyncJob.execute({ domainId: 5 }));
    expect(error).toMatchObject({ kind: "DomainNotFound", domainId: 5 });
    expect(app.startSyncJob.runningCount).toBe(0);
  });

  it.each(["no-such-job", "", "x".repeat(500)])(
    "an unknown job %# is SyncJobNotFound",
    async (jobId) => {
      const { app } = memory();
      const error = await expectErr(app.getSyncJob.execute({ jobId }));
      expect(error).toEqual({
        kind: "SyncJobNotFound",
        message: expect.stringContaining("does not exist"),
        jobId: expect.any(String),
      });
    },
  );

  it("a store that is down when starting is StoreUnavailable", async () => {
    const { app, store } = memory();
    store.offline = true;
    expect((await expectErr(app.startSyncJob.execute({ domainId: 1 }))).kind).toBe(
      "StoreUnavailable",
    );
  });
});

describe("startSyncJob: a background run of §9", () => {
  it("answers a running job at once, then ends succeeded with SynchronizeAllUsers' report", async () => {
    const reference = harness({ clock: fixedClock });
    await mixedDirectory(reference.app);
    const expected = await expectOk(reference.app.synchronizeAllUsers.execute({ domainId: 2 }));

    const h = harness({ clock: fixedClock });
    await mixedDirectory(h.app);
    const started = await expectOk(h.app.startSyncJob.execute({ domainId: 2 }));
    expect(started).toMatchObject({
      domainId: 2,
      status: "running",
      dryRun: false,
      finishedAt: null,
      progress: { processed: 0, total: 0 },
      report: { checked: 0, alreadyLinked: 0, matched: 0, created: 0, skipped: 0, failed: 0 },
      failures: [],
      message: null,
    });
    expect(started.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(h.app.startSyncJob.runningCount).toBe(1);

    const job = await ended(h.app, started);
    expect(job).toMatchObject({
      id: started.id,
      domainId: 2,
      status: "succeeded",
      dryRun: false,
      startedAt: started.startedAt,
      report: expected.report,
      failures: expected.failures,
      message: expected.message,
      progress: { processed: 6, total: 6 },
    });
    expect(job.message).toBe(
      "Checked 6 user records. Found 2 matching contact records. Created 2 new contact records. Skipped 2 users without a valid email.",
    );
    expect(job.finishedAt).toEqual(fixedClock.now());
    expect(h.app.startSyncJob.runningCount).toBe(0);
    // The job did what SynchronizeAllUsers did.
    expect(await snapshot(h.app, [1, 2], EMAILS)).toEqual(
      await snapshot(reference.app, [1, 2], EMAILS),
    );
  });

  it("users that fail leave the job succeeded, the failures in its report", async () => {
    const h = memory();
    await mixedDirectory(h.app);
    h.fault = ({ repository, method, args }) =>
      repository === "bulk" &&
      method === "write" &&
      (args[0] as BatchWrites).contacts.some((contact) => contact.emails[0]?.email === "e@x.org")
        ? new Error("disk full")
        : null;
    const job = await ended(h.app, await expectOk(h.app.startSyncJob.execute({ domainId: 2 })));
    expect(job.status).toBe("succeeded");
    expect(job.report.failed).toBe(1);
    expect(job.failures).toEqual([{ userId: 9, reason: expect.any(String) }]);
    expect(job.message).toContain("Failed 1 user record.");
  });

  it("progress is visible while it runs, written at most every ~250 ms", async () => {
    const h = memory();
    await bigDirectory(h.store, 3000);
    const { jobs, counted } = countingJobs(h.store.syncJobs);
    const fast = startSyncJobOn(h.store, jobs, { progressEveryMs: 10 });
    const started = await expectOk(fast.execute({ domainId: 1 }));
    const seen: SyncJob[] = [];
    for (;;) {
      const job = await expectOk(h.app.getSyncJob.execute({ jobId: started.id }));
      seen.push(job);
      if (job.status !== "running") break;
      await sleep(5);
    }
    const midway = seen.filter((job) => job.status === "running" && job.progress.processed > 0);
    expect(midway.length).toBeGreaterThan(0);
    for (const job of midway) {
      expect(job.progress.total).toBe(3000);
      expect(job.progress.processed).toBeLessThanOrEqual(3000);
      expect(job.message).toBeNull();
      expect(job.finishedAt).toBeNull();
      expect(job.heartbeatAt.getTime()).toBeGreaterThanOrEqual(started.startedAt.getTime());
    }
    const processed = seen.map((job) => job.progress.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    const last = seen.at(-1);
    expect(last).toMatchObject({ status: "succeeded", progress: { processed: 3000, total: 3000 } });
    expect(last?.report).toMatchObject({ checked: 3000, created: 3000 });
    expect(counted.progressWrites).toBeGreaterThan(0);

    // With the default pace, a run of the same length writes its progress a few times only.
    const h2 = memory();
    await bigDirectory(h2.store, 3000);
    const paced = countingJobs(h2.store.syncJobs);
    const normal = startSyncJobOn(h2.store, paced.jobs);
    const began = Date.now();
    await expectOk(normal.execute({ domainId: 1 }));
    await normal.whenIdle();
    const elapsed = Date.now() - began;
    expect(paced.counted.progressWrites).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1);
  });

  it("takes a new job's id from the id generator", async () => {
    const h = harness({ clock: systemClock, ids: sequentialIds() });
    await putDomain(h.app, 2, { cms: "drupal" });
    const first = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    const second = await expectOk(h.app.startSyncJob.execute({ domainId: 2 }));
    expect([first.id, second.id]).toEqual(["job-1", "job-2"]);
    await h.app.startSyncJob.whenIdle();
    expect((await jobOf(h.app, "job-2")).status).toBe("succeeded");
  });

  it("a second start while one runs is SyncAlreadyRunning; once it ended a new one starts", async () => {
    const h = memory();
    await bigDirectory(h.store, 500);
    const first = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    const refused = await expectErr(h.app.startSyncJob.execute({ domainId: 1, dryRun: true }));
    expect(refused).toMatchObject({
      kind: "SyncAlreadyRunning",
      domainId: 1,
      runningJobId: first.id,
    });
    expect(refused.message).toContain(first.id);
    // Another domain is not blocked.
    await putDomain(h.app, 2, { cms: "drupal" });
    const other = await expectOk(h.app.startSyncJob.execute({ domainId: 2 }));
    expect(other.id).not.toBe(first.id);

    expect((await ended(h.app, first)).status).toBe("succeeded");
    const second = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    expect(second.id).not.toBe(first.id);
    const rerun = await ended(h.app, second);
    expect(rerun.status).toBe("succeeded");
    expect(rerun.report).toMatchObject({ checked: 500, alreadyLinked: 500, created: 0 });
  });

  it("two starts at the same moment: exactly one runs", async () => {
    const h = memory();
    const results = await Promise.all(
      [1, 2, 3].map(() => h.app.startSyncJob.execute({ domainId: 1 })),
    );
    expect(results.filter((result) => result.isOk())).toHaveLength(1);
    for (const result of results.filter((result) => result.isErr())) {
      expect(result._unsafeUnwrapErr().kind).toBe("SyncAlreadyRunning");
    }
    await h.app.startSyncJob.whenIdle();
  });

  it("a job running in another process blocks the domain until its heartbeat is 60 s old", async () => {
    const h = memory();
    const now = Date.now();
    await expectOk(
      h.store.syncJobs.create({
        id: "elsewhere",
        domainId: 1,
        dryRun: false,
        startedAt: new Date(now - 50_000),
      }),
    );
    expect(await expectErr(h.app.startSyncJob.execute({ domainId: 1 }))).toMatchObject({
      kind: "SyncAlreadyRunning",
      runningJobId: "elsewhere",
    });

    // Its process died: no heartbeat for more than 60 s.
    await expectOk(
      h.store.syncJobs.recordProgress(
        "elsewhere",
        { processed: 1, total: 9 },
        new Date(now - 61_000),
      ),
    );
    const fresh = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    const stale = await jobOf(h.app, "elsewhere");
    expect(stale).toMatchObject({ status: "failed", progress: { processed: 1, total: 9 } });
    expect(stale.message).toMatch(/went away/);
    expect(stale.finishedAt).not.toBeNull();
    expect((await ended(h.app, fresh)).status).toBe("succeeded");
    // The stale job stays failed.
    expect((await jobOf(h.app, "elsewhere")).status).toBe("failed");
  });

  it("a run whose store goes away ends failed, with why", async () => {
    const h = memory();
    await bigDirectory(h.store, 300);
    let gets = 0;
    h.fault = ({ repository, method }) =>
      repository === "bulk" && method === "usersWithLinks" && ++gets === 1
        ? new StoreUnavailableError("The in-memory store is offline.")
        : null;
    const started = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    const job = await ended(h.app, started);
    expect(job.status).toBe("failed");
    expect(job.message).toBe("The sync could not finish: The in-memory store is offline.");
    expect(job.finishedAt).not.toBeNull();
    expect(job.progress.processed).toBeLessThan(300);
    // A new run may start, and finishes the work.
    const again = await ended(h.app, await expectOk(h.app.startSyncJob.execute({ domainId: 1 })));
    expect(again.status).toBe("succeeded");
    expect(again.report.checked).toBe(300);
  });

  it("when the whole store is away for a moment, the job still ends failed once it is back", async () => {
    const h = memory();
    await bigDirectory(h.store, 300);
    let gets = 0;
    h.fault = ({ repository, method }) => {
      if (repository !== "bulk" || method !== "usersWithLinks" || ++gets !== 1) return null;
      h.store.offline = true;
      setTimeout(() => {
        h.store.offline = false;
      }, 300);
      return new StoreUnavailableError("The in-memory store is offline.");
    };
    const started = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    await h.app.startSyncJob.whenIdle();
    expect(h.store.offline).toBe(false);
    const job = await jobOf(h.app, started.id);
    expect(job.status).toBe("failed");
    expect(job.message).toBe("The sync could not finish: The in-memory store is offline.");
  });

  it("a dry run writes nothing and reports what the real run then does", async () => {
    const h = memory();
    await mixedDirectory(h.app);
    const before = await snapshot(h.app, [1, 2], EMAILS);
    const dry = await ended(
      h.app,
      await expectOk(h.app.startSyncJob.execute({ domainId: 2, dryRun: true })),
    );
    expect(dry).toMatchObject({ status: "succeeded", dryRun: true });
    expect(dry.report).toMatchObject({ checked: 6, created: 2, matched: 1 });
    expect(await snapshot(h.app, [1, 2], EMAILS)).toEqual(before);

    const real = await ended(h.app, await expectOk(h.app.startSyncJob.execute({ domainId: 2 })));
    expect(real.dryRun).toBe(false);
    expect(real.report).toEqual(dry.report);
    expect(real.message).toBe(dry.message);
    expect(await snapshot(h.app, [1, 2], EMAILS)).not.toEqual(before);
  });

  it("stopAll ends running jobs failed with the reason; whenIdle waits for them", async () => {
    const h: Harness = memory();
    await bigDirectory(h.store, 3000);
    const started = await expectOk(h.app.startSyncJob.execute({ domainId: 1 }));
    await sleep(20);
    h.app.startSyncJob.stopAll("The server shut down.");
    await h.app.startSyncJob.whenIdle();
    const job = await jobOf(h.app, started.id);
    expect(job).toMatchObject({ status: "failed", message: "The server shut down." });
    expect(job.progress.processed).toBeLessThan(3000);
    await expect(h.app.startSyncJob.whenIdle()).resolves.toBeUndefined();
  });
});
