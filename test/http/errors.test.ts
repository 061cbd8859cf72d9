import { describe, expect, it } from "vitest";
import { httpErrorOf } from "../../src/interfaces/http/use-case-errors.js";
import {
  KEYS_WITHOUT,
  makeHarness,
  SCOPED_SAMPLES,
  SECRETS,
  send,
} from "./support/http-harness.js";

const label = (sample: { method: string; path: string }) =>
  `${sample.method.toUpperCase()} ${sample.path}`;

describe("401 Unauthenticated", () => {
  it.each(SCOPED_SAMPLES.map((sample) => [label(sample), sample] as const))(
    "%s without a key, with a wrong key and with another scheme",
    async (_label, sample) => {
      const h = makeHarness();
      const attempts: Record<string, string>[] = [
        {},
        { Authorization: "Bearer not-a-key" },
        { Authorization: `Bearer ${SECRETS.admin}x` },
        { Authorization: `Basic ${SECRETS.admin}` },
        { Authorization: SECRETS.admin },
      ];
      for (const headers of attempts) {
        const response = await send(h, sample, headers);
        expect(response.status, JSON.stringify(headers)).toBe(401);
        expect(response.body).toEqual({
          error: { kind: "Unauthenticated", message: expect.any(String) },
        });
        expect(response.headers["www-authenticate"]).toBe('Bearer realm="civilink"');
      }
    },
  );

  it("is not asked on /health, /ready, /openapi.json and /docs", async () => {
    const h = makeHarness();
    for (const path of ["/health", "/ready", "/openapi.json", "/docs"]) {
      expect((await h.http.get(path)).status, path).toBe(200);
    }
  });
});

describe("403 Forbidden", () => {
  const refusals = SCOPED_SAMPLES.flatMap((sample) =>
    KEYS_WITHOUT[sample.scope].map((key) => [label(sample), key, sample] as const),
  );

  it.each(refusals)("%s with the %s key", async (_label, key, sample) => {
    const h = makeHarness();
    const response = await send(h, sample, h.auth(key));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      error: { kind: "Forbidden", message: expect.stringContaining(`"${sample.scope}"`) },
    });
  });

  it.each(SCOPED_SAMPLES.map((sample) => [label(sample), sample] as const))(
    "%s is allowed to a key with its scope and to the admin key",
    async (_label, sample) => {
      const keys = sample.scope === "admin" ? ["admin"] : [sample.scope, "eventsAndRead", "admin"];
      for (const key of keys as ("events" | "read" | "admin" | "eventsAndRead")[]) {
        const h = makeHarness();
        const response = await send(h, sample, h.auth(key));
        expect([401, 403], `${key}: ${response.text}`).not.toContain(response.status);
        expect(response.status, `${key}: ${response.text}`).toBeLessThan(500);
      }
    },
  );
});

describe("404 NotFound", () => {
  it.each([
    ["get", "/"],
    ["get", "/v2/domains"],
    ["get", "/v1"],
    ["get", "/v1/nothing"],
    ["get", "/v1/domains/1/unknown"],
    ["get", "/v1/domains/1/users/5/link/extra"],
    ["get", "/v1/contacts/1/emails"],
    ["get", "/docs/index.html"],
  ] as const)("%s %s: an unknown path", async (method, path) => {
    const h = makeHarness();
    const response = await h.http[method](path).set(h.auth("admin"));
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { kind: "NotFound", message: `There is no route ${method.toUpperCase()} ${path}.` },
    });
  });

  it.each([
    ["post", "/v1/domains"],
    ["delete", "/v1/domains"],
    ["post", "/v1/domains/1"],
    ["patch", "/v1/domains/1"],
    ["delete", "/v1/domains/1"],
    ["get", "/v1/domains/1/users/5"],
    ["post", "/v1/domains/1/users/5/link"],
    ["delete", "/v1/domains/1/users/5/link"],
    ["post", "/v1/domains/1/links"],
    ["put", "/v1/contacts"],
    ["delete", "/v1/contacts"],
    ["post", "/v1/contacts/1"],
    ["put", "/v1/contacts/1"],
    ["post", "/v1/domains/1/users"],
    ["delete", "/v1/domains/1/outbox"],
    ["post", "/v1/domains/1/audit"],
    ["post", "/health"],
    ["put", "/openapi.json"],
    ["post", "/docs"],
    ["options", "/v1/domains"],
    ["options", "/v1/contacts/1"],
  ] as const)("%s %s: a known path with an unknown method", async (method, path) => {
    const h = makeHarness();
    const response = await h.http[method](path).set(h.auth("admin"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("NotFound");
  });

  it.each([
    ["get", "/V1/DOMAINS"],
    ["get", "/v1/Domains/1"],
    ["get", "/v1/domains/"],
    ["get", "/v1/domains/1/"],
    ["post", "/v1/domains/1/users/5/Logged-In"],
    ["post", "/v1/domains/1/users/5/logged-in/"],
    ["get", "/v1/contacts/1/"],
    ["get", "/HEALTH"],
    ["get", "/health/"],
    ["get", "/OpenAPI.json"],
    ["get", "/DOCS"],
  ] as const)(
    "%s %s: routes are case-sensitive and strict about a trailing slash",
    async (method, path) => {
      const h = makeHarness();
      const response = await h.http[method](path).set(h.auth("admin")).send({ email: "a@x.org" });
      expect(response.status).toBe(404);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.body).toEqual({
        error: { kind: "NotFound", message: `There is no route ${method.toUpperCase()} ${path}.` },
      });
    },
  );

  it("still serves the docs page at /docs and /docs/", async () => {
    const h = makeHarness();
    for (const path of ["/docs", "/docs/"]) {
      const response = await h.http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    }
  });

  it("answers an unknown route without asking for a key", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/nothing");
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("NotFound");
  });
});

describe("400 ValidationFailed and MalformedJson", () => {
  it("reports path, query and body problems together", async () => {
    const h = makeHarness();
    const response = await h.http
      .patch("/v1/contacts/abc?x=1")
      .set(h.auth("admin"))
      .send({ firstName: 1, colour: "red" });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        kind: "ValidationFailed",
        message: expect.any(String),
        details: expect.arrayContaining([
          { path: "path.contactId", message: "must be a positive integer" },
          { path: "query.x", message: "is not a known field" },
          { path: "colour", message: "is not a known field" },
          { path: "firstName", message: expect.any(String) },
        ]),
      },
    });
    expect(response.body.error.details).toHaveLength(4);
  });

  it.each([
    ["post", "/v1/contacts"],
    ["put", "/v1/domains/2"],
    ["patch", "/v1/contacts/1"],
  ] as const)("%s %s: malformed JSON", async (method, path) => {
    const h = makeHarness();
    for (const text of ['{"firstName":', "{'a':1}", "nul", "{} {}"]) {
      const response = await h.http[method](path)
        .set(h.auth("admin"))
        .set("Content-Type", "application/json")
        .send(text);
      expect(response.status, text).toBe(400);
      expect(response.body).toEqual({
        error: { kind: "MalformedJson", message: expect.any(String) },
      });
    }
  });
});

describe("413, 415", () => {
  it("refuses a body over 100 kB: 413 PayloadTooLarge", async () => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ displayName: "x".repeat(101 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      error: { kind: "PayloadTooLarge", message: expect.any(String) },
    });
  });

  it("takes a body just under 100 kB to validation", async () => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ displayName: "x".repeat(99 * 1024) });
    expect(response.status).toBe(400);
    expect(response.body.error.kind).toBe("ValidationFailed");
  });

  it.each([
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/json; charset=iso-8859-1",
  ])("refuses a body sent as %s: 415 UnsupportedMediaType", async (type) => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .set("Content-Type", type)
      .send('{"firstName":"Ada"}');
    expect(response.status).toBe(415);
    expect(response.body).toEqual({
      error: { kind: "UnsupportedMediaType", message: expect.any(String) },
    });
  });

  it("accepts application/json with charset=utf-8", async () => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .set("Content-Type", "application/json; charset=utf-8")
      .send('{"firstName":"Ada"}');
    expect(response.status).toBe(201);
  });
});

describe("429 RateLimited", () => {
  it("tells every keyed answer its key's limit, what remains of it and when it resets", async () => {
    const h = makeHarness({ rateLimitPerMinute: 5 });
    const first = await h.http.get("/v1/domains").set(h.auth("read"));
    expect(first.headers["ratelimit-policy"]).toBe("5;w=60");
    expect(first.headers.ratelimit).toMatch(/^limit=5, remaining=4, reset=(60|59)$/);
    const second = await h.http.get("/v1/domains/9").set(h.auth("read"));
    expect(second.status).toBe(404);
    expect(second.headers.ratelimit).toMatch(/^limit=5, remaining=3, reset=/);
    expect((await h.http.get("/health")).headers.ratelimit).toBeUndefined();
  });

  it("answers 429 past the limit, per key", async () => {
    const h = makeHarness({ rateLimitPerMinute: 2 });
    for (let i = 0; i < 2; i++) {
      expect((await h.http.get("/v1/domains").set(h.auth("read"))).status).toBe(200);
    }
    const limited = await h.http.get("/v1/domains").set(h.auth("read"));
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { kind: "RateLimited", message: expect.any(String) } });
    expect(limited.headers["ratelimit-policy"]).toBe("2;w=60");
    expect(limited.headers.ratelimit).toMatch(/^limit=2, remaining=0, reset=(60|59)$/);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    const otherKey = await h.http.get("/v1/domains").set(h.auth("admin"));
    expect(otherKey.status).toBe(200);
    expect((await h.http.get("/health")).status).toBe(200);
  });
});

/** The first log line of the harness with this message, parsed. */
const logLine = (h: { logs(): string }, message: string) =>
  h
    .logs()
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === message);

describe("503 StoreUnavailable and 500 Internal", () => {
  it("answers 503 StoreUnavailable on every store-backed route while the store is away", async () => {
    const h = makeHarness();
    h.store.offline = true;
    for (const sample of SCOPED_SAMPLES) {
      const response = await send(h, sample, h.auth("admin"));
      expect(response.status, label(sample)).toBe(503);
      expect(response.body).toEqual({
        error: { kind: "StoreUnavailable", message: expect.any(String) },
      });
    }
    expect((await h.http.get("/ready")).status).toBe(503);
    expect((await h.http.get("/health")).status).toBe(200);
    h.store.offline = false;
    expect((await h.http.get("/v1/domains").set(h.auth("read"))).status).toBe(200);
  });

  it("answers 500 Internal without stack, SQL or secrets when the store fails", async () => {
    const leak = `relation "contacts" does not exist: SELECT * FROM contacts WHERE key = '${SECRETS.admin}'`;
    const h = makeHarness({ failWhen: () => new Error(leak) });
    for (const sample of SCOPED_SAMPLES) {
      const response = await send(h, sample, h.auth("admin"));
      expect(response.status, label(sample)).toBe(500);
      expect(response.body).toEqual({
        error: {
          kind: "Internal",
          message: "Something went wrong on our side.",
          requestId: response.headers["x-request-id"],
        },
      });
      for (const text of ["SELECT", "relation", SECRETS.admin, " at ", ".ts:"]) {
        expect(response.text).not.toContain(text);
      }
    }
  });

  it("logs the cause of a 500 (class, message, code, stack) with the request id the body carries", async () => {
    class DiskError extends Error {
      readonly code = "EIO";
    }
    const h = makeHarness({
      captureLogs: true,
      failWhen: (call) => (call.repository === "audit" ? new DiskError("disk I/O error") : null),
    });
    const response = await h.http.get("/v1/domains/1/audit").set(h.auth("read"));
    expect(response.status).toBe(500);
    const requestId = response.body.error.requestId as string;
    expect(requestId).toBe(response.headers["x-request-id"]);
    const failed = logLine(h, "request failed");
    expect(failed).toMatchObject({
      level: 50,
      reqId: requestId,
      kind: "Internal",
      err: { name: "DiskError", message: "disk I/O error", code: "EIO" },
    });
    expect((failed as { err: { stack: string } }).err.stack).toMatch(/disk I\/O error\n\s+at /);
  });

  it("logs why the store is unavailable with the request id of the 503", async () => {
    const h = makeHarness({ captureLogs: true });
    h.store.offline = true;
    const response = await h.http.get("/v1/domains").set(h.auth("read"));
    expect(response.status).toBe(503);
    const warned = logLine(h, "store unavailable");
    expect(warned).toMatchObject({
      level: 40,
      reqId: response.headers["x-request-id"],
      detail: "The store is offline.",
      err: { name: "StoreUnavailableError", message: "The store is offline." },
    });
  });

  it("answers 500 only for the failing call: other routes keep working", async () => {
    const h = makeHarness({
      failWhen: (call) =>
        call.repository === "audit" ? new Error("disk I/O error at audit.ts:12") : null,
    });
    const audit = await h.http.get("/v1/domains/1/audit").set(h.auth("read"));
    expect(audit.status).toBe(500);
    expect(audit.text).not.toContain("disk");
    expect((await h.http.get("/v1/domains/1").set(h.auth("read"))).status).toBe(200);
  });

  it("maps a CMS source's error, which no route reads, to 500 Internal with its words logged", () => {
    for (const kind of ["SourceUnavailable", "SourceInvalid"] as const) {
      const message = "MySQL at cms:3306 (database shop) has no table wp_users";
      expect(httpErrorOf({ kind, message })).toEqual({
        kind: "Internal",
        message: "Something went wrong on our side.",
        logged: { message },
      });
    }
  });
});

describe("headers and logs", () => {
  it("sends security headers on answers and errors, and no X-Powered-By", async () => {
    const h = makeHarness();
    for (const response of [
      await h.http.get("/v1/domains").set(h.auth("read")),
      await h.http.get("/v1/domains/9").set(h.auth("read")),
      await h.http.get("/v1/domains"),
      await h.http.get("/nowhere"),
    ]) {
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(response.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
      expect(response.headers["referrer-policy"]).toBe("no-referrer");
      expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(response.headers["cross-origin-resource-policy"]).toBe("same-origin");
      expect(response.headers["x-powered-by"]).toBeUndefined();
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    }
  });

  it("echoes X-Request-Id, or makes one", async () => {
    const h = makeHarness();
    const given = await h.http
      .get("/v1/domains/1")
      .set(h.auth("read"))
      .set("X-Request-Id", "cms-req.42:a_b");
    expect(given.headers["x-request-id"]).toBe("cms-req.42:a_b");
    const onError = await h.http.get("/v1/domains/1").set("X-Request-Id", "err-1");
    expect(onError.status).toBe(401);
    expect(onError.headers["x-request-id"]).toBe("err-1");
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const absent = await h.http.get("/health");
    expect(absent.headers["x-request-id"]).toMatch(uuid);
    for (const bad of ["has space", "x".repeat(101), "<script>"]) {
      const response = await h.http.get("/health").set("X-Request-Id", bad);
      expect(response.headers["x-request-id"]).toMatch(uuid);
    }
  });

  it("never writes an Authorization secret to the log", async () => {
    const h = makeHarness({
      captureLogs: true,
      failWhen: (call) => (call.repository === "audit" ? new Error("audit failed") : null),
    });
    const wrongSecret = "wrong-secret-d00f1e5b77";
    await h.http.get("/v1/domains").set(h.auth("read")).set("X-Request-Id", "log-check-1");
    await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "drupal" });
    await h.http.get("/v1/domains").set("Authorization", `Bearer ${wrongSecret}`);
    await h.http.get("/v1/domains").set(h.auth("events"));
    await h.http.get("/v1/domains/1/audit").set(h.auth("eventsAndRead"));
    await h.http
      .post("/v1/domains/1/users/5/registered")
      .set(h.auth("events"))
      .set("Content-Type", "application/json")
      .send("{broken");
    await h.http.get("/nowhere").set(h.auth("admin"));
    const logs = h.logs();
    // The log is written: one line per request, with its id.
    expect(logs).toContain('"log-check-1"');
    expect(logs.trim().split("\n").length).toBeGreaterThanOrEqual(7);
    for (const secret of [...Object.values(SECRETS), wrongSecret]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs.toLowerCase()).not.toContain("bearer");
  });

  it("logs one line per answered request: id, method, URL, status and time taken", async () => {
    const h = makeHarness({
      captureLogs: true,
      failWhen: (call) => (call.repository === "audit" ? new Error("audit failed") : null),
    });
    await h.http.get("/v1/domains/1").set(h.auth("read")).set("X-Request-Id", "line-1");
    await h.http.get("/v1/domains/1/audit").set(h.auth("read")).set("X-Request-Id", "line-2");
    const completed = logLine(h, "request completed");
    expect(completed).toMatchObject({
      level: 30,
      reqId: "line-1",
      req: { id: "line-1", method: "GET", url: "/v1/domains/1" },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(logLine(h, "request errored")).toMatchObject({
      level: 50,
      reqId: "line-2",
      req: { id: "line-2", method: "GET", url: "/v1/domains/1/audit" },
      res: { statusCode: 500 },
    });
  });

  it("logs the path and the query's parameter names, never their values", async () => {
    const h = makeHarness({
      captureLogs: true,
      failWhen: (call) => (call.repository === "links" ? new Error("links failed") : null),
    });
    const values = ["a@x.org", "secret-token-7c1e", "bob@y.org", "other%40z.org"];
    // 400 (an unknown parameter), 500 (logged at error level) and a bare value without a name.
    await h.http
      .get("/v1/domains/1/links?email=a@x.org&access_token=secret-token-7c1e")
      .set(h.auth("read"));
    await h.http.get("/v1/domains/1/links?email=a@x.org").set(h.auth("read"));
    await h.http.get("/v1/domains/1/links?bob@y.org&email=other%40z.org").set(h.auth("read"));
    const lines = h
      .logs()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: number; req?: { url: string } });
    const urls = lines.flatMap((line) => (line.req ? [line.req.url] : []));
    expect(urls).toEqual([
      "/v1/domains/1/links?email=[redacted]&access_token=[redacted]",
      "/v1/domains/1/links?email=[redacted]",
      "/v1/domains/1/links?[redacted]&email=[redacted]",
    ]);
    expect(lines.some((line) => line.level >= 50)).toBe(true);
    for (const value of values) expect(h.logs()).not.toContain(value);
  });
});
