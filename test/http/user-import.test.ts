import { once } from "node:events";
import { request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Express } from "express";
import { ok } from "neverthrow";
import { afterEach, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/index.js";
import { errorOf, type Harness, makeHarness } from "./support/http-harness.js";

const IMPORT = "/v1/domains/1/users/import";
const NDJSON = "application/x-ndjson";
const CSV = "text/csv";

function importBody(h: Harness, body: string, contentType: string, path = IMPORT) {
  return h.http.post(path).set(h.auth("admin")).set("Content-Type", contentType).send(body);
}

const usersOf = async (h: Harness, domainId = 1) =>
  (await h.http.get(`/v1/domains/${domainId}/users?limit=1000`).set(h.auth("admin"))).body
    .users as Record<string, unknown>[];

const countUsers = async (h: Harness) =>
  (await h.store.read(async (stores) => ok(await stores.users.count(1))))._unsafeUnwrap();

let servers: Server[] = [];

afterEach(async () => {
  for (const server of servers) {
    server.close();
    await once(server, "close");
  }
  servers = [];
});

/** Streams `body` to the app over a real socket, chunked, and answers the status and the JSON. */
async function postStream(
  app: Express,
  path: string,
  headers: Record<string, string>,
  body: Readable,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }> {
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const request = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers });
  const answered = once(request, "response") as Promise<[import("node:http").IncomingMessage]>;
  // The server may answer before it read everything (an error): the upload then just stops.
  const sent = pipeline(body, request).catch(() => undefined);
  const [response] = await answered;
  let text = "";
  for await (const chunk of response) text += chunk;
  await sent;
  return { status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) };
}

/** The garbage collector, when V8 lets a running process have it. */
function collector(): (() => void) | null {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return null;
  }
}

describe("POST /v1/domains/{domainId}/users/import", () => {
  it("imports NDJSON, rejecting the bad lines and keeping the good ones", async () => {
    const h = makeHarness();
    await h.http
      .post("/v1/domains/1/users/2/registered")
      .set(h.auth("events"))
      .send({ email: "old@x.org", username: "old" });
    const body = [
      '{"userId":1,"email":"a@x.org","firstName":"Ann","lastName":"Lee"}',
      "",
      '{"userId":2,"name":"Bo"}',
      "{not json",
      '{"userId":0}',
      '{"userId":3,"nickname":"c"}',
      '["userId",4]',
      '{"userId":5,"username":"eve"}',
    ].join("\n");
    const response = await importBody(h, body, NDJSON);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      imported: 2,
      updated: 1,
      rejected: [
        { line: 4, error: expect.stringMatching(/^not valid JSON: /) },
        { line: 5, error: "userId must be a positive integer." },
        { line: 6, error: expect.stringMatching(/^"nickname" is not a known field/) },
        { line: 7, error: "must be a JSON object with a userId" },
      ],
      rejectedCount: 4,
    });
    const users = await usersOf(h);
    expect(users).toEqual([
      {
        userId: 1,
        email: "a@x.org",
        firstName: "Ann",
        lastName: "Lee",
        contactId: null,
      },
      // Replaced whole: the email and username sent at registration are gone.
      expect.objectContaining({ userId: 2, name: "Bo" }),
      { userId: 5, username: "eve", contactId: null },
    ]);
    expect(users[1]).not.toHaveProperty("email");
  });

  it("imports CSV with its header in any order, rejecting the bad records", async () => {
    const h = makeHarness();
    const body = [
      "email,userId,lastName,firstName,username,name",
      "a@x.org,1,Lee,Ann,ann,",
      '"b@x.org",2,"Smith, Jr.",Bob,,"Bob ""B"" Smith"',
      "c@x.org,abc,,,,",
      "d@x.org,4,,,",
      "",
      "e@x.org,5,,,,",
    ].join("\r\n");
    const response = await importBody(h, body, "text/csv; charset=utf-8");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      imported: 3,
      updated: 0,
      rejected: [
        { line: 4, error: "userId must be a positive integer." },
        { line: 5, error: "the record has 5 fields but the header has 6 fields." },
      ],
      rejectedCount: 2,
    });
    expect(await usersOf(h)).toEqual([
      {
        userId: 1,
        email: "a@x.org",
        username: "ann",
        firstName: "Ann",
        lastName: "Lee",
        contactId: null,
      },
      {
        userId: 2,
        email: "b@x.org",
        firstName: "Bob",
        lastName: "Smith, Jr.",
        name: 'Bob "B" Smith',
        contactId: null,
      },
      { userId: 5, email: "e@x.org", contactId: null },
    ]);
  });

  it("refuses a CSV header that is not the one of docs/contract.md with 400, importing nothing", async () => {
    const h = makeHarness();
    const response = await importBody(h, "userId,email,phone\n1,a@x.org,555\n", CSV);
    expect(response.status).toBe(400);
    expect(errorOf(response.body)).toMatchObject({
      kind: "ValidationFailed",
      message: expect.stringMatching(/unknown column "phone"/),
    });
    expect(await usersOf(h)).toEqual([]);
  });

  it("lists the first 1000 rejected lines and counts them all", async () => {
    const h = makeHarness();
    const body = Array.from({ length: 1200 }, (_, index) =>
      index % 3 === 0 ? `{"userId":${index + 1}}` : "oops",
    ).join("\n");
    const response = await importBody(h, body, NDJSON);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ imported: 400, updated: 0, rejectedCount: 800 });
    expect(response.body.rejected).toHaveLength(800);
    const more = Array.from({ length: 1500 }, () => "oops").join("\n");
    const capped = await importBody(h, more, NDJSON);
    expect(capped.body.rejected).toHaveLength(1000);
    expect(capped.body.rejected.at(-1).line).toBe(1000);
    expect(capped.body.rejectedCount).toBe(1500);
  });

  it.each([
    ["application/json", '{"userId":1}'],
    ["text/plain", "userId\n1\n"],
    ["application/x-ndjson; charset=latin1", '{"userId":1}'],
    ["text/csv; charset=iso-8859-1", "userId\n1\n"],
  ])("answers 415 for Content-Type %s", async (contentType, body) => {
    const h = makeHarness();
    const response = await importBody(h, body, contentType);
    expect(response.status).toBe(415);
    expect(errorOf(response.body).kind).toBe("UnsupportedMediaType");
    expect(await usersOf(h)).toEqual([]);
  });

  it("answers 415 for a compressed body", async () => {
    const h = makeHarness();
    const response = await h.http
      .post(IMPORT)
      .set(h.auth("admin"))
      .set("Content-Type", NDJSON)
      .set("Content-Encoding", "gzip")
      .send("\x1f\x8b");
    expect(response.status).toBe(415);
    expect(errorOf(response.body).kind).toBe("UnsupportedMediaType");
  });

  it("needs an admin key: 401 without a valid one, 403 for the other scopes", async () => {
    const h = makeHarness();
    const body = '{"userId":1}';
    const none = await h.http.post(IMPORT).set("Content-Type", NDJSON).send(body);
    expect(none.status).toBe(401);
    expect(errorOf(none.body).kind).toBe("Unauthenticated");
    const wrong = await h.http
      .post(IMPORT)
      .set("Authorization", "Bearer not-a-key")
      .set("Content-Type", NDJSON)
      .send(body);
    expect(wrong.status).toBe(401);
    for (const key of ["events", "read", "eventsAndRead"] as const) {
      const response = await h.http
        .post(IMPORT)
        .set(h.auth(key))
        .set("Content-Type", NDJSON)
        .send(body);
      expect(response.status).toBe(403);
      expect(errorOf(response.body).kind).toBe("Forbidden");
    }
    expect(await usersOf(h)).toEqual([]);
  });

  it("answers DomainNotFound for a domain that does not exist, and 400 for a bad id", async () => {
    const h = makeHarness();
    const missing = await importBody(h, '{"userId":1}', NDJSON, "/v1/domains/42/users/import");
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).kind).toBe("DomainNotFound");
    const bad = await importBody(h, '{"userId":1}', NDJSON, "/v1/domains/0/users/import");
    expect(bad.status).toBe(400);
    expect(errorOf(bad.body).kind).toBe("ValidationFailed");
  });

  it("imports into the domain of the path", async () => {
    const h = makeHarness();
    await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "joomla" });
    const response = await importBody(h, "userId\n8\n", CSV, "/v1/domains/2/users/import");
    expect(response.body).toMatchObject({ imported: 1 });
    expect((await usersOf(h, 2)).map((user) => user.userId)).toEqual([8]);
    expect(await usersOf(h, 1)).toEqual([]);
  });

  it("answers 503 when the store goes away mid-import, keeping the batches written", async () => {
    let writes = 0;
    const h = makeHarness({
      failWhen: (call) =>
        call.method === "putMany" && ++writes === 2 ? new StoreUnavailableError("gone") : null,
    });
    const lines = Readable.from(
      (function* () {
        for (let userId = 1; userId <= 5000; userId++) yield `{"userId":${userId}}\n`;
      })(),
    );
    const response = await postStream(
      h.app,
      IMPORT,
      { ...h.auth("admin"), "Content-Type": NDJSON },
      lines,
    );
    expect(response.status).toBe(503);
    expect(errorOf(response.body).kind).toBe("StoreUnavailable");
    expect(await countUsers(h)).toBe(1000);
  });

  it("answers 200 when the store refuses one user, rejecting only that user's line", async () => {
    const h = makeHarness({
      failWhen: (call) =>
        call.method === "putMany" &&
        (call.args[0] as { userId: number }[]).some((user) => user.userId === 2)
          ? new Error("refused by the database")
          : null,
    });
    const body = ['{"userId":1}', '{"userId":2}', "oops", '{"userId":4}'].join("\n");
    const response = await importBody(h, body, NDJSON);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      imported: 2,
      updated: 0,
      rejected: [
        { line: 2, error: "the store refused to write this user." },
        { line: 3, error: expect.stringMatching(/^not valid JSON/) },
      ],
      rejectedCount: 2,
    });
    expect((await usersOf(h)).map((user) => user.userId)).toEqual([1, 4]);
  });

  it("survives a client that goes away mid-upload, keeping the batches written", async () => {
    const h = makeHarness();
    const server = h.app.listen(0, "127.0.0.1");
    servers.push(server);
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const request = httpRequest({
      host: "127.0.0.1",
      port,
      path: IMPORT,
      method: "POST",
      headers: { ...h.auth("admin"), "Content-Type": NDJSON },
    });
    request.on("error", () => undefined);
    for (let userId = 1; userId <= 2500; userId++) request.write(`{"userId":${userId}}\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const count = await countUsers(h);
    console.info(`users written before the client went away: ${count}`);
    expect(count % 1000).toBe(0);
    expect(count).toBeLessThanOrEqual(2000);
    const next = await importBody(h, '{"userId":9999}', NDJSON);
    expect(next.status).toBe(200);
  });

  it("streams a large upload (200,000 lines, 85 MB) with bounded memory", async () => {
    const h = makeHarness();
    const gc = collector();
    const LINES = 200_000;
    const DISTINCT = 10_000;
    const padding = "p".repeat(400);
    let generated = 0;
    function* chunks() {
      for (let first = 1; first <= LINES; first += 500) {
        let chunk = "";
        for (let line = first; line < first + 500 && line <= LINES; line++) {
          const userId = ((line - 1) % DISTINCT) + 1;
          chunk += `{"userId":${userId},"email":"u${userId}@x.org","name":"${padding}"}\n`;
        }
        generated += Buffer.byteLength(chunk);
        yield chunk;
      }
    }
    gc?.();
    const before = process.memoryUsage();
    // With a collector, each sample is the live heap (garbage collected first); without one, the
    // samples include garbage, so only a loose bound is checked.
    let peakHeap = before.heapUsed;
    let peakBuffers = before.arrayBuffers;
    const sampler = setInterval(() => {
      gc?.();
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    }, 500);
    const started = Date.now();
    const response = await postStream(
      h.app,
      IMPORT,
      { ...h.auth("admin"), "Content-Type": NDJSON },
      Readable.from(chunks()),
    );
    clearInterval(sampler);
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    console.info(
      `import of ${LINES} lines (${mb(generated)} MB) in ${Date.now() - started} ms: ` +
        `heap ${mb(before.heapUsed)} MB before, peak ${mb(peakHeap)} MB ` +
        `(+${mb(peakHeap - before.heapUsed)} MB, ${gc ? "live, gc before each sample" : "no gc"}); ` +
        `buffers peak +${mb(peakBuffers - before.arrayBuffers)} MB`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      imported: DISTINCT,
      updated: LINES - DISTINCT,
      rejected: [],
      rejectedCount: 0,
    });
    expect(generated).toBeGreaterThan(80 * 2 ** 20);
    // Far less than the body: it was never held whole, as bytes or as text. The directory
    // itself (10,000 users of ~450 bytes) accounts for some 10-20 MB of the growth.
    expect(peakHeap - before.heapUsed).toBeLessThan((gc ? 50 : 200) * 2 ** 20);
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(32 * 2 ** 20);
  }, 120_000);
});
