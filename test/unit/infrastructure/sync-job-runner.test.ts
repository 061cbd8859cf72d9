import { errAsync, ok, okAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  type Clock,
  defaultDomain,
  emptySyncReport,
  InProcessSyncJobRunner,
  MemoryStore,
  type SyncJob,
  type SyncJobEnding,
  type SyncJobProgress,
  type SyncJobRepository,
  type SyncJobRun,
  storeUnavailable,
} from "../../../src/index.js";
import { gate } from "../../support/gate.js";

const clock: Clock = { now: () => new Date("2024-01-01T00:00:00Z") };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const SUCCEEDED: SyncJobEnding = {
  status: "succeeded",
  report: emptySyncReport(),
  failures: [],
  message: "Checked 0 user records.",
};

interface Recorded {
  progress: SyncJobProgress[];
  finishes: SyncJobEnding[];
}

/**
 * The memory store's sync jobs, recording the progress and endings written; `hold` answers
 * each progress write in its place, `failedFinishes` finishes fail before one is taken.
 */
function recordingJobs(
  inner: SyncJobRepository,
  options: { hold?: "lost"; failedFinishes?: number } = {},
) {
  const recorded: Recorded = { progress: [], finishes: [] };
  let failures = options.failedFinishes ?? 0;
  const jobs: SyncJobRepository = {
    create: (job) => inner.create(job),
    get: (id) => inner.get(id),
    list: (domainId, page) => inner.list(domainId, page),
    failOrphaned: (orphans) => inner.failOrphaned(orphans),
    recordProgress: (id, progress, at) => {
      recorded.progress.push(progress);
      return options.hold ? okAsync(options.hold) : inner.recordProgress(id, progress, at);
    },
    finish: (id, ending, at) => {
      recorded.finishes.push(ending);
      if (failures-- > 0) return errAsync(storeUnavailable("The store is away."));
      return inner.finish(id, ending, at);
    },
  };
  return { jobs, recorded };
}

async function setUp(
  options: { hold?: "lost"; failedFinishes?: number } = {},
  timings: { progressEveryMs?: number; heartbeatEveryMs?: number } = {},
) {
  const store = MemoryStore.create({ domains: [defaultDomain("drupal")] });
  const { jobs, recorded } = recordingJobs(store.syncJobs, options);
  const runner = new InProcessSyncJobRunner(store, jobs, clock, timings);
  const job = (
    await store.syncJobs.create({ id: "job-1", domainId: 1, dryRun: false, startedAt: clock.now() })
  )._unsafeUnwrap();
  const stored = async () => (await store.syncJobs.get(job.id))._unsafeUnwrap() as SyncJob;
  return { store, runner, job, recorded, stored };
}

/** Reads from the store until the run is stopped, then answers why the store refused. */
async function readUntilStopped(run: SyncJobRun): Promise<string> {
  for (;;) {
    const result = await run.uow.read(async () => ok(undefined));
    if (result.isErr()) return result.error.message;
  }
}

describe("InProcessSyncJobRunner", () => {
  it("runs a job in the background, keeps it until its ending is written, then lets it go", async () => {
    const { runner, job, recorded, stored } = await setUp();
    const work = gate();
    runner.start(job, async () => {
      await work.opened;
      return SUCCEEDED;
    });
    expect(runner.running()).toEqual([job]);
    let idle = false;
    const whenIdle = runner.whenIdle().then(() => {
      idle = true;
    });
    await sleep(10);
    expect(idle).toBe(false);

    work.open();
    await whenIdle;
    expect(runner.running()).toEqual([]);
    expect(recorded.finishes).toEqual([SUCCEEDED]);
    expect(await stored()).toMatchObject({ status: "succeeded", finishedAt: clock.now() });
    await expect(runner.whenIdle()).resolves.toBeUndefined();
  });

  it("writes the progress the work reports while it runs, the latest one at a time", async () => {
    const { runner, job, recorded, stored } = await setUp({}, { progressEveryMs: 5 });
    runner.start(job, async (run) => {
      for (let processed = 1; processed <= 10; processed++) {
        run.progress({ processed, total: 10 });
        await sleep(10);
      }
      return SUCCEEDED;
    });
    await sleep(40);
    expect((await stored()).progress.processed).toBeGreaterThan(0);
    await runner.whenIdle();
    const processed = recorded.progress.map((progress) => progress.processed);
    expect(processed.length).toBeGreaterThan(1);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(new Set(processed).size).toBe(processed.length);
  });

  it("refreshes the heartbeat when it is due, without progress", async () => {
    const { runner, job, recorded } = await setUp({}, { progressEveryMs: 5, heartbeatEveryMs: 20 });
    runner.start(job, async () => {
      await sleep(150);
      return SUCCEEDED;
    });
    await runner.whenIdle();
    expect(recorded.progress.length).toBeGreaterThanOrEqual(2);
    expect(recorded.progress.length).toBeLessThanOrEqual(8);
    for (const progress of recorded.progress) expect(progress).toEqual({ processed: 0, total: 0 });
  });

  it("stops a run whose job this process no longer holds, saying so", async () => {
    const { runner, job } = await setUp({ hold: "lost" }, { progressEveryMs: 5 });
    let seen: { refused: string; stopped: string | null } | null = null;
    runner.start(job, async (run) => {
      run.progress({ processed: 1, total: 2 });
      const refused = await readUntilStopped(run);
      seen = { refused, stopped: run.stopped };
      return { status: "failed", message: run.stopped ?? "not stopped" };
    });
    await runner.whenIdle();
    expect(seen).toEqual({
      refused: expect.stringMatching(/no longer held the job/),
      stopped: expect.stringMatching(/no longer held the job/),
    });
  });

  it("stopAll stops every run at its next store call, with the reason", async () => {
    const { store, runner, job, stored } = await setUp();
    const other = (
      await store.syncJobs.create({
        id: "job-2",
        domainId: 2,
        dryRun: false,
        startedAt: clock.now(),
      })
    )._unsafeUnwrap();
    const reasons: string[] = [];
    for (const each of [job, other]) {
      runner.start(each, async (run) => {
        reasons.push(await readUntilStopped(run));
        return { status: "failed", message: run.stopped ?? "not stopped" };
      });
    }
    await sleep(10);
    runner.stopAll("The server shut down.");
    await runner.whenIdle();
    expect(reasons).toEqual(["The server shut down.", "The server shut down."]);
    expect(await stored()).toMatchObject({ status: "failed", message: "The server shut down." });
  });

  it("ends a job whose work rejects failed, on an unexpected error", async () => {
    const { runner, job, stored } = await setUp();
    runner.start(job, async () => {
      throw new Error("a bug");
    });
    await runner.whenIdle();
    expect(await stored()).toMatchObject({
      status: "failed",
      message: "The sync stopped on an unexpected error.",
    });
  });

  it("writes the ending again until the store takes it", async () => {
    const { runner, job, recorded, stored } = await setUp({ failedFinishes: 2 });
    runner.start(job, async () => SUCCEEDED);
    await runner.whenIdle();
    expect(recorded.finishes).toHaveLength(3);
    expect((await stored()).status).toBe("succeeded");
  });

  it("a run stopped on purpose tries to write its ending three times only", async () => {
    const { runner, job, recorded, stored } = await setUp({ failedFinishes: 5 });
    runner.start(job, async (run) => {
      await readUntilStopped(run);
      return { status: "failed", message: "The server shut down." };
    });
    runner.stopAll("The server shut down.");
    await runner.whenIdle();
    expect(recorded.finishes).toHaveLength(3);
    expect((await stored()).status).toBe("running");
  });

  it("hands the event loop back every few milliseconds while the work keeps the store busy", async () => {
    const { runner, job } = await setUp();
    let reads = 0;
    let readsWhenTimerFired: number | null = null;
    setTimeout(() => {
      readsWhenTimerFired = reads;
    }, 0);
    runner.start(job, async (run) => {
      const began = Date.now();
      while (Date.now() - began < 100) {
        await run.uow.read(async () => ok(undefined));
        reads++;
      }
      return SUCCEEDED;
    });
    await runner.whenIdle();
    expect(readsWhenTimerFired).not.toBeNull();
    expect(readsWhenTimerFired).toBeLessThan(reads);
  });
});
