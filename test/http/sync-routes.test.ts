import { ok } from "neverthrow";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { StoreUnavailableError, type SyncJob, type UnitOfWork } from "../../src/index.js";
import { DEFAULT_HTTP_BOUNDS } from "../../src/infrastructure/config/config.js";
import { buildContainer } from "../../src/infrastructure/container/composition-root.js";
import { TOKENS } from "../../src/infrastructure/container/tokens.js";
import { resolveUseCases } from "../../src/infrastructure/container/use-cases.js";
import { apiKey } from "../../src/interfaces/http/api-keys.js";
import { startServer } from "../../src/interfaces/http/server.js";
import { FaultyStore, type StoreCall } from "../support/faulty-store.js";
import { gate } from "../support/gate.js";
import { errorOf, type Harness, ISO_TIME, makeHarness } from "./support/http-harness.js";

const JOB_KEYS = [
  "domainId",
  "dryRun",
  "failures",
  "finishedAt",
  "id",
  "message",
  "progress",
  "report",
  "startedAt",
  "status",
];
const REPORT_KEYS = ["alreadyLinked", "checked", "created", "failed", "matched", "skipped"];
const EMPTY_REPORT = {
  checked: 0,
  alreadyLinked: 0,
  matched: 0,
  created: 0,
  skipped: 0,
  failed: 0,
};

/** The SyncJob of docs/contract.md, field for field. */
function expectSyncJobShape(body: Record<string, unknown>) {
  expect(Object.keys(body).sort()).toEqual(JOB_KEYS);
  expect(body.id).toEqual(expect.any(String));
  expect(body.startedAt).toMatch(ISO_TIME);
  if (body.finishedAt !== null) expect(body.finishedAt).toMatch(ISO_TIME);
  expect(Object.keys(body.progress as object).sort()).toEqual(["processed", "total"]);
  expect(Object.keys(body.report as object).sort()).toEqual(REPORT_KEYS);
  expect(Array.isArray(body.failures)).toBe(true);
  expect(body.message === null || typeof body.message === "string").toBe(true);
}

/** `count` users with distinct emails in domain 1's directory. */
async function bigDirectory(store: UnitOfWork, count: number) {
  const result = await store.transaction({}, async (stores) => {
    for (let userId = 1; userId <= count; userId++) {
      await stores.users.put({ domainId: 1, userId, email: `user${userId}@x.org` });
    }
    return ok(undefined);
  });
  expect(result.isOk()).toBe(true);
}

const start = (h: Harness, domainId: number | string = 1, body?: object) => {
  const call = h.http.post(`/v1/domains/${domainId}/sync`).set(h.auth("admin"));
  return body === undefined ? call : call.send(body);
};

/** Polls the job at `location` until it is no longer running; answers its last body. */
async function settled(h: Harness, location: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const response = await h.http.get(location).set(h.auth("read"));
    expect(response.status).toBe(200);
    if (response.body.status !== "running") return response.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${location} kept running`);
}

describe("POST /v1/domains/{domainId}/sync", () => {
  it("answers 202 with the running job and its Location, which ends succeeded with the report", async () => {
    const h = makeHarness();
    await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ emails: [{ email: "m@x.org" }] })
      .expect(201);
    await h.http.post("/v1/domains/1/users/1/registered").set(h.auth("events")).send({});
    await h.http.put("/v1/domains/1").set(h.auth("admin")).send({ cms: "joomla" }).expect(200);
    await h.http
      .post("/v1/domains/1/users/2/registered")
      .set(h.auth("events"))
      .send({ email: "M@x.org" });
    await h.http
      .post("/v1/domains/1/users/3/registered")
      .set(h.auth("events"))
      .send({ email: "new@x.org" });

    const response = await start(h);
    expect(response.status).toBe(202);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expectSyncJobShape(response.body);
    expect(response.body).toMatchObject({
      domainId: 1,
      status: "running",
      dryRun: false,
      finishedAt: null,
      progress: { processed: 0, total: 0 },
      report: EMPTY_REPORT,
      failures: [],
      message: null,
    });
    expect(response.headers.location).toBe(`/v1/sync-jobs/${response.body.id}`);

    const job = await settled(h, response.headers.location as string);
    expectSyncJobShape(job);
    expect(job).toMatchObject({
      id: response.body.id,
      domainId: 1,
      status: "succeeded",
      dryRun: false,
      startedAt: response.body.startedAt,
      finishedAt: expect.stringMatching(ISO_TIME),
      progress: { processed: 3, total: 3 },
      report: { checked: 3, alreadyLinked: 0, matched: 1, created: 1, skipped: 1, failed: 0 },
      failures: [],
      message:
        "Checked 3 user records. Found 1 matching contact record. Created 1 new contact record. Skipped 1 user without a valid email.",
    });
  });

  it("takes {dryRun: true}: the report without the writes", async () => {
    const h = makeHarness();
    await bigDirectory(h.store, 3);
    const response = await start(h, 1, { dryRun: true });
    expect(response.status).toBe(202);
    expect(response.body.dryRun).toBe(true);
    const job = await settled(h, response.headers.location as string);
    expect(job).toMatchObject({ status: "succeeded", dryRun: true, report: { created: 3 } });
    const links = await h.http.get("/v1/domains/1/links").set(h.auth("read"));
    expect(links.body.links).toEqual([]);
  });

  it("takes an empty object as a body", async () => {
    const h = makeHarness();
    const response = await start(h, 1, {});
    expect(response.status).toBe(202);
    expect(response.body.dryRun).toBe(false);
    await settled(h, response.headers.location as string);
  });

  it.each([
    [{ dryRun: "yes" }, "dryRun"],
    [{ dryRun: true, extra: 1 }, "extra"],
  ])("refuses the body %j with 400 ValidationFailed", async (body, path) => {
    const h = makeHarness();
    const response = await start(h, 1, body);
    expect(response.status).toBe(400);
    expect(errorOf(response.body).kind).toBe("ValidationFailed");
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toEqual([
      path,
    ]);
  });

  it("refuses malformed JSON with 400 MalformedJson", async () => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/domains/1/sync")
      .set(h.auth("admin"))
      .set("Content-Type", "application/json")
      .send("{dryRun:");
    expect(response.status).toBe(400);
    expect(errorOf(response.body).kind).toBe("MalformedJson");
  });

  it("is 404 DomainNotFound for a domain that does not exist, 400 for a bad id", async () => {
    const h = makeHarness();
    const missing = await start(h, 9);
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).kind).toBe("DomainNotFound");
    const bad = await start(h, "abc");
    expect(bad.status).toBe(400);
    expect(errorOf(bad.body).kind).toBe("ValidationFailed");
  });

  it("is 409 SyncAlreadyRunning while the domain's job runs; once it ended a new one starts", async () => {
    const h = makeHarness();
    await bigDirectory(h.store, 20_000);
    const first = await start(h);
    expect(first.status).toBe(202);
    const running = await h.http.get(first.headers.location as string).set(h.auth("read"));
    expect(running.body.status).toBe("running");
    const second = await start(h, 1, { dryRun: true });
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      kind: "SyncAlreadyRunning",
      message: expect.stringContaining(first.body.id),
    });
    expect(second.headers.location).toBeUndefined();
    expect((await settled(h, first.headers.location as string)).status).toBe("succeeded");

    const third = await start(h);
    expect(third.status).toBe(202);
    expect(third.body.id).not.toBe(first.body.id);
    const rerun = await settled(h, third.headers.location as string);
    expect(rerun.report).toMatchObject({ checked: 20_000, alreadyLinked: 20_000, created: 0 });
  });

  it("a job whose store went away ends failed with a message", async () => {
    let gets = 0;
    const h = makeHarness({
      failWhen: ({ repository, method }) =>
        repository === "bulk" && method === "usersWithLinks" && ++gets === 1
          ? new StoreUnavailableError("The database is unavailable.")
          : null,
    });
    await bigDirectory(h.store, 20);
    const response = await start(h);
    const job = await settled(h, response.headers.location as string);
    expectSyncJobShape(job);
    expect(job).toMatchObject({
      status: "failed",
      finishedAt: expect.stringMatching(ISO_TIME),
      message: "The sync could not finish: The database is unavailable.",
    });
  });

  it("needs the admin scope", async () => {
    const h = makeHarness();
    const anonymous = await h.http.post("/v1/domains/1/sync");
    expect(anonymous.status).toBe(401);
    for (const key of ["read", "events", "eventsAndRead"] as const) {
      const response = await h.http.post("/v1/domains/1/sync").set(h.auth(key));
      expect(response.status).toBe(403);
      expect(errorOf(response.body).kind).toBe("Forbidden");
    }
  });
});

describe("GET /v1/sync-jobs/{jobId}", () => {
  it("is 404 SyncJobNotFound for an unknown job", async () => {
    const h = makeHarness();
    for (const id of ["9a1b0c4e-0000-4000-8000-000000000000", "nope", "x".repeat(300)]) {
      const response = await h.http.get(`/v1/sync-jobs/${id}`).set(h.auth("read"));
      expect(response.status).toBe(404);
      expect(response.body.error).toEqual({
        kind: "SyncJobNotFound",
        message: expect.any(String),
      });
    }
  });

  it("needs the read scope (admin implies it) and refuses query parameters", async () => {
    const h = makeHarness();
    const { headers } = await start(h);
    const location = headers.location as string;
    expect((await h.http.get(location)).status).toBe(401);
    expect((await h.http.get(location).set(h.auth("events"))).status).toBe(403);
    expect((await h.http.get(location).set(h.auth("admin"))).status).toBe(200);
    expect((await h.http.get(location).set(h.auth("eventsAndRead"))).status).toBe(200);
    const query = await h.http.get(`${location}?verbose=1`).set(h.auth("read"));
    expect(query.status).toBe(400);
    await settled(h, location);
  });
});

describe("GET /v1/domains/{domainId}/sync-jobs", () => {
  const list = (h: Harness, query = "", domainId = 1) =>
    h.http.get(`/v1/domains/${domainId}/sync-jobs${query}`).set(h.auth("read"));

  /** Starts a job in domain 1 and waits for it to end; answers its id. */
  async function endedJob(h: Harness): Promise<string> {
    const { headers, body } = await start(h).expect(202);
    await settled(h, headers.location as string);
    return body.id as string;
  }

  it("lists the domain's jobs newest first, a running one with its progress", async () => {
    const h = makeHarness();
    await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "drupal" }).expect(200);
    const first = await endedJob(h);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await endedJob(h);
    const elsewhere = await start(h, 2).expect(202);
    await settled(h, elsewhere.headers.location as string);
    // Big enough to be still running when it is listed, on a fast machine too.
    await bigDirectory(h.store, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const running = await start(h).expect(202);

    const response = await list(h);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(["jobs", "nextCursor"]);
    expect(response.body.nextCursor).toBeNull();
    const jobs = response.body.jobs as Record<string, unknown>[];
    expect(jobs.map((job) => job.id)).toEqual([running.body.id, second, first]);
    for (const job of jobs) expectSyncJobShape(job);
    expect(jobs[0]).toMatchObject({ status: "running", domainId: 1, finishedAt: null });
    expect(jobs[1]).toEqual((await h.http.get(`/v1/sync-jobs/${second}`).set(h.auth("read"))).body);

    const ended = await settled(h, running.headers.location as string);
    const after = await list(h);
    expect(after.body.jobs[0]).toEqual(ended);
    expect(ended.progress).toEqual({ processed: 20_000, total: 20_000 });
    expect((await list(h, "", 2)).body.jobs.map((job: { id: string }) => job.id)).toEqual([
      elsewhere.body.id,
    ]);
  });

  it("pages with limit (default 20, at most 100) and the cursor it gave", async () => {
    const h = makeHarness();
    const ids: string[] = [];
    for (let job = 0; job < 21; job++) ids.unshift(await endedJob(h));
    const whole = await list(h);
    expect(whole.body.jobs).toHaveLength(20);
    expect(whole.body.nextCursor).toEqual(expect.any(String));
    const all = await list(h, "?limit=100");
    expect(all.body.jobs).toHaveLength(21);
    expect(all.body.nextCursor).toBeNull();
    // Jobs started within the same millisecond keep one order, by id: the listing is stable.
    const listed = all.body.jobs.map((job: { id: string }) => job.id);
    expect(new Set(listed)).toEqual(new Set(ids));

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor === null ? "?limit=8" : `?limit=8&cursor=${cursor}`;
      const response = await list(h, query);
      expect(response.status, response.text).toBe(200);
      seen.push(...response.body.jobs.map((job: { id: string }) => job.id));
      cursor = response.body.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(listed);
  });

  it.each([
    ["?limit=0", "query.limit", "must be at least 1"],
    ["?limit=101", "query.limit", "must be at most 100"],
    ["?limit=1000", "query.limit", "must be an integer from 1 to 100"],
    ["?limit=x", "query.limit", "must be an integer from 1 to 100"],
    ["?cursor=12", "query.cursor", "is not a cursor this service gave"],
    ["?cursor=not-a-cursor", "query.cursor", "is not a cursor this service gave"],
    ["?cursor=", "query.cursor", "is not a cursor this service gave"],
    ["?after=1", "query.after", "is not a known field"],
  ])("refuses %s with 400 naming %s", async (query, path, message) => {
    const h = makeHarness();
    const response = await list(h, query);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      kind: "ValidationFailed",
      message: expect.any(String),
      details: [{ path, message }],
    });
  });

  it("is 404 DomainNotFound for a domain that does not exist, 400 for a bad id", async () => {
    const h = makeHarness();
    const missing = await list(h, "", 9);
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).kind).toBe("DomainNotFound");
    const bad = await h.http.get("/v1/domains/x/sync-jobs").set(h.auth("read"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: "path.domainId", message: "must be a positive integer" },
    ]);
  });

  it("needs the read scope (admin implies it)", async () => {
    const h = makeHarness();
    expect((await h.http.get("/v1/domains/1/sync-jobs")).status).toBe(401);
    expect((await h.http.get("/v1/domains/1/sync-jobs").set(h.auth("events"))).status).toBe(403);
    expect((await h.http.get("/v1/domains/1/sync-jobs").set(h.auth("admin"))).status).toBe(200);
    expect((await h.http.get("/v1/domains/1/sync-jobs").set(h.auth("eventsAndRead"))).status).toBe(
      200,
    );
  });
});

describe("server shutdown", () => {
  const ADMIN = "admin-secret-for-shutdown";

  /**
   * A server on the memory store with a big directory; answers the job's state at close.
   * `listingHeld`, when given, keeps the job's reads of the directory waiting until it settles.
   */
  async function serverWithJob(syncJobGraceMs?: number, listingHeld?: Promise<void>) {
    const holdWhen = ({ repository, method }: StoreCall) =>
      repository === "users" && method === "list" ? (listingHeld ?? null) : null;
    const container = buildContainer({
      store: "memory",
      wrapStore: (store) => new FaultyStore(store, { holdWhen }),
    });
    const store = container.get(TOKENS.Store);
    await bigDirectory(store, 3000);
    const server = await startServer({
      container,
      apiKeys: [apiKey("ops", ADMIN, ["admin"])],
      logger: pino({ level: "silent" }),
      rateLimitPerMinute: 0,
      authFailuresPerMinute: 0,
      bounds: DEFAULT_HTTP_BOUNDS,
      host: "127.0.0.1",
      port: 0,
      ...(syncJobGraceMs === undefined ? {} : { syncJobGraceMs }),
    });
    const response = await fetch(`${server.url}/v1/domains/1/sync`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const atClose: { job: SyncJob | null } = { job: null };
    const close = store.close.bind(store);
    store.close = async () => {
      atClose.job = (await store.syncJobs.get(id))._unsafeUnwrap();
      return close();
    };
    return { server, atClose, useCases: resolveUseCases(container) };
  }

  it("waits for running sync jobs before it closes the store", async () => {
    const { server, atClose, useCases } = await serverWithJob();
    await server.stop();
    expect(useCases.startSyncJob.runningCount).toBe(0);
    expect(atClose.job).toMatchObject({ status: "succeeded", report: { checked: 3000 } });
  });

  it("stops the jobs still running after the grace period: they end failed", async () => {
    // The job waits on its first page of users until the shutdown stops it: it cannot end first.
    const listing = gate();
    const { server, atClose, useCases } = await serverWithJob(0, listing.opened);
    const stopAll = useCases.startSyncJob.stopAll.bind(useCases.startSyncJob);
    useCases.startSyncJob.stopAll = (reason) => {
      stopAll(reason);
      listing.open();
    };
    await server.stop();
    expect(atClose.job).toMatchObject({
      status: "failed",
      message: "The sync stopped: the server shut down before it finished.",
    });
    expect(atClose.job?.finishedAt).not.toBeNull();
  });
});
