import { describe, expect, it } from "vitest";
import {
  emptySyncReport,
  type NewSyncJob,
  type SyncJob,
  type SyncJobKey,
  type SyncReport,
} from "../../../src/index.js";
import { T0, T1, T2 } from "../../support/builders.js";
import { errValue, okValue } from "../../support/results.js";
import { freshStorePerTest, type MakeStore } from "./support.js";

const aJob = (id: string, domainId = 1, startedAt = T0, dryRun = false): NewSyncJob => ({
  id,
  domainId,
  dryRun,
  startedAt,
});

const REPORT: SyncReport = {
  checked: 5,
  alreadyLinked: 1,
  matched: 1,
  created: 1,
  skipped: 1,
  failed: 1,
};

const ENDED = {
  status: "succeeded" as const,
  report: REPORT,
  failures: [{ userId: 4, reason: "The user was deleted during the sync." }],
  message: "Checked 5 user records. …",
};

/** SyncJobRepository: jobs outside the units of work, one running per domain, staleness. */
export function describeSyncJobRepositoryContract(storeName: string, makeStore: MakeStore) {
  describe(`SyncJobRepository contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);
    const jobs = () => store().syncJobs;
    const get = async (id: string) => okValue(await jobs().get(id));
    const create = async (job: NewSyncJob) => okValue(await jobs().create(job));

    it("create gives a running job with no progress, report or message; get gives it back", async () => {
      const created = await create(aJob("job-1", 1, T0, true));
      const expected: SyncJob = {
        id: "job-1",
        domainId: 1,
        status: "running",
        dryRun: true,
        startedAt: T0,
        finishedAt: null,
        heartbeatAt: T0,
        progress: { processed: 0, total: 0 },
        report: emptySyncReport(),
        failures: [],
        message: null,
      };
      expect(created).toEqual(expected);
      expect(await get("job-1")).toEqual(expected);
    });

    it("get is null for an unknown job", async () => {
      expect(await get("no-such-job")).toBeNull();
    });

    it("a domain has one running job: a second create answers SyncAlreadyRunning", async () => {
      await create(aJob("first"));
      const refused = errValue(await jobs().create(aJob("second", 1, T1)));
      expect(refused).toEqual({
        kind: "SyncAlreadyRunning",
        message: expect.stringContaining("first"),
        domainId: 1,
        runningJobId: "first",
      });
      expect(await get("second")).toBeNull();
      // Another domain has its own.
      expect((await create(aJob("other", 2))).status).toBe("running");
    });

    it("recordProgress sets the progress and the heartbeat of a running job", async () => {
      await create(aJob("job"));
      okValue(await jobs().recordProgress("job", { processed: 3, total: 10 }, T1));
      expect(await get("job")).toMatchObject({
        status: "running",
        progress: { processed: 3, total: 10 },
        heartbeatAt: T1,
        message: null,
      });
      okValue(await jobs().recordProgress("unknown", { processed: 1, total: 1 }, T1));
    });

    it("finish succeeded keeps the report; the domain may then start again", async () => {
      await create(aJob("job"));
      okValue(await jobs().finish("job", ENDED, T2));
      expect(await get("job")).toMatchObject({
        status: "succeeded",
        finishedAt: T2,
        progress: { processed: 5, total: 5 },
        report: REPORT,
        failures: ENDED.failures,
        message: ENDED.message,
      });
      expect((await create(aJob("next", 1, T2))).status).toBe("running");
    });

    it("finish failed keeps the message and the progress so far", async () => {
      await create(aJob("job"));
      okValue(await jobs().recordProgress("job", { processed: 2, total: 9 }, T1));
      okValue(
        await jobs().finish("job", { status: "failed", message: "The store went away." }, T2),
      );
      expect(await get("job")).toMatchObject({
        status: "failed",
        finishedAt: T2,
        progress: { processed: 2, total: 9 },
        report: emptySyncReport(),
        failures: [],
        message: "The store went away.",
      });
    });

    it("an ended job stays as it ended: later progress and endings change nothing", async () => {
      await create(aJob("job"));
      okValue(await jobs().finish("job", { status: "failed", message: "stale" }, T1));
      const ended = await get("job");
      okValue(await jobs().recordProgress("job", { processed: 7, total: 7 }, T2));
      okValue(await jobs().finish("job", ENDED, T2));
      expect(await get("job")).toEqual(ended);
    });

    it("failOrphaned fails running jobs whose heartbeat is older, except the ones named", async () => {
      await create(aJob("old", 1, T0));
      await create(aJob("spared", 2, T0));
      await create(aJob("alive", 3, T0));
      okValue(await jobs().recordProgress("alive", { processed: 1, total: 2 }, T2));
      await create(aJob("done", 4, T0));
      okValue(await jobs().finish("done", ENDED, T0));

      const failed = okValue(
        await jobs().failOrphaned({
          heartbeatBefore: T1,
          exceptIds: ["spared"],
          at: T2,
          message: "The process went away.",
        }),
      );
      expect(failed).toBe(1);
      expect(await get("old")).toMatchObject({
        status: "failed",
        finishedAt: T2,
        message: "The process went away.",
      });
      expect((await get("spared"))?.status).toBe("running");
      expect((await get("alive"))?.status).toBe("running");
      expect((await get("done"))?.message).toBe(ENDED.message);
      expect((await create(aJob("again", 1, T2))).status).toBe("running");
      expect(
        okValue(await jobs().failOrphaned({ heartbeatBefore: T1, at: T2, message: "again" })),
      ).toBe(1);
    });

    it("list gives a domain's jobs newest first, ties by id descending, running ones with their progress", async () => {
      // One running job per domain: the others are ended as soon as they are created.
      const ended = async (job: NewSyncJob) => {
        await create(job);
        okValue(await jobs().finish(job.id, ENDED, T2));
      };
      await ended(aJob("a-old", 1, T0));
      await ended(aJob("b-tie", 1, T1));
      await ended(aJob("d-tie", 1, T1));
      await ended(aJob("c-tie", 1, T1));
      await ended(aJob("elsewhere", 2, T2));
      await create(aJob("z-running", 1, T2));
      okValue(await jobs().recordProgress("z-running", { processed: 4, total: 9 }, T2));
      const list = async (limit: number, after?: SyncJobKey) =>
        okValue(await jobs().list(1, after === undefined ? { limit } : { limit, after }));

      const all = await list(10);
      expect(all.items.map((job) => job.id)).toEqual([
        "z-running",
        "d-tie",
        "c-tie",
        "b-tie",
        "a-old",
      ]);
      expect(all.next).toBeNull();
      expect(all.items[0]).toEqual(await get("z-running"));
      expect(all.items[0]).toMatchObject({
        status: "running",
        progress: { processed: 4, total: 9 },
      });
      expect(all.items[1]).toEqual(await get("d-tie"));

      const first = await list(2);
      expect(first.items.map((job) => job.id)).toEqual(["z-running", "d-tie"]);
      expect(first.next).toEqual({ startedAt: T1, id: "d-tie" });
      const second = await list(2, first.next as SyncJobKey);
      expect(second.items.map((job) => job.id)).toEqual(["c-tie", "b-tie"]);
      const last = await list(2, second.next as SyncJobKey);
      expect(last).toEqual({ items: [await get("a-old")], next: null });

      // A key between jobs (as of a job since gone, or never there) pages on from where it stands.
      const between = await list(10, { startedAt: T1, id: "c-tiez" });
      expect(between.items.map((job) => job.id)).toEqual(["c-tie", "b-tie", "a-old"]);
      expect(okValue(await jobs().list(3, { limit: 10 }))).toEqual({ items: [], next: null });
      expect((await list(4)).next).toEqual({ startedAt: T1, id: "b-tie" });
      expect((await list(5)).next).toBeNull();
    });

    it("creates at the same moment for one domain: exactly one succeeds", async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) => jobs().create(aJob(`racer-${index}`, 1, T0))),
      );
      const winners = results.filter((result) => result.isOk());
      expect(winners).toHaveLength(1);
      const winner = okValue(winners[0] ?? results[0]!);
      for (const result of results.filter((result) => result.isErr())) {
        expect(errValue(result)).toMatchObject({ kind: "SyncAlreadyRunning", domainId: 1 });
      }
      expect((await get(winner.id))?.status).toBe("running");
    });

    it("after close, every call answers StoreUnavailable and none rejects", async () => {
      await store().close();
      expect(errValue(await jobs().get("job"))).toMatchObject({ kind: "StoreUnavailable" });
      expect(errValue(await jobs().create(aJob("job")))).toMatchObject({
        kind: "StoreUnavailable",
      });
    });
  });
}
