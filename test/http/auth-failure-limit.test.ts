import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorOf, type Harness, makeHarness, SECRETS } from "./support/http-harness.js";

/** Failed authentication is limited per client address (docs/http.md, API keys). */

const WRONG = { Authorization: "Bearer not-a-key" };

const statusOf = async (h: Harness, headers: Record<string, string>, path = "/v1/domains") =>
  (await h.http.get(path).set(headers)).status;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A GET from a given local address (127.0.0.x all reach a server on 127.0.0.1). */
function getFrom(
  url: string,
  localAddress: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, localAddress, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
  });
}

describe("failed authentication limit", () => {
  it("answers 429 RateLimited to every keyed request from an address past the limit, a valid key too", async () => {
    const h = makeHarness({ authFailuresPerMinute: 3 });
    for (let attempt = 0; attempt < 3; attempt++) expect(await statusOf(h, WRONG)).toBe(401);

    const limited = await h.http.get("/v1/domains").set(WRONG);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { kind: "RateLimited", message: expect.any(String) } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);

    const withValidKey = await h.http.put("/v1/domains/2").set(h.auth("admin")).send({
      cms: "drupal",
    });
    expect(withValidKey.status).toBe(429);
    expect(errorOf(withValidKey.body).kind).toBe("RateLimited");
    expect(await statusOf(h, h.auth("read"), "/v1/contacts/1")).toBe(429);
    // Routes without a key are not limited.
    expect((await h.http.get("/health")).status).toBe(200);
    expect((await h.http.get("/nowhere")).status).toBe(404);
  });

  it("lifts the limit once the minute has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = makeHarness({ authFailuresPerMinute: 2 });
    for (let attempt = 0; attempt < 2; attempt++) expect(await statusOf(h, WRONG)).toBe(401);
    expect(await statusOf(h, h.auth("read"))).toBe(429);
    vi.setSystemTime(Date.now() + 59_000);
    expect(await statusOf(h, h.auth("read"))).toBe(429);
    vi.setSystemTime(Date.now() + 2_000);
    expect(await statusOf(h, h.auth("read"))).toBe(200);
    expect(await statusOf(h, WRONG)).toBe(401);
  });

  it("counts only requests that fail authentication: not answers, refusals of scope or 429s", async () => {
    const h = makeHarness({ authFailuresPerMinute: 3 });
    for (let round = 0; round < 5; round++) {
      expect(await statusOf(h, h.auth("read"))).toBe(200);
      expect(await statusOf(h, h.auth("read"), "/v1/domains/9")).toBe(404);
      expect(await statusOf(h, h.auth("events"))).toBe(403);
      expect(
        (await h.http.post("/v1/contacts").set(h.auth("admin")).send({ bogus: true })).status,
      ).toBe(400);
    }
    for (let attempt = 0; attempt < 3; attempt++) expect(await statusOf(h, WRONG)).toBe(401);
    for (let attempt = 0; attempt < 5; attempt++) expect(await statusOf(h, WRONG)).toBe(429);
    // The refused attempts did not add to the count: a minute after the first failure it is over.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await statusOf(h, h.auth("read"))).toBe(200);
  });

  it("counts per client address", async () => {
    const h = makeHarness({ authFailuresPerMinute: 2 });
    const server = h.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/domains`;
      const valid = { Authorization: `Bearer ${SECRETS.read}` };
      for (let attempt = 0; attempt < 2; attempt++) {
        expect(await getFrom(url, "127.0.0.2", WRONG)).toBe(401);
      }
      expect(await getFrom(url, "127.0.0.2", valid)).toBe(429);
      expect(await getFrom(url, "127.0.0.3", valid)).toBe(200);
      expect(await getFrom(url, "127.0.0.3", WRONG)).toBe(401);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** An import whose first line is sent and whose body never ends: answered only once it does. */
  const openImport = (h: Harness, port: number) => {
    const request = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/v1/domains/1/users/import",
      agent: false,
      headers: { ...h.auth("admin"), "Content-Type": "application/x-ndjson" },
    });
    request.on("error", () => {});
    request.write('{"userId": 1, "email": "a@x.org"}\n');
    return request;
  };

  it("does not count a request whose client went away before its answer", async () => {
    const h = makeHarness({ authFailuresPerMinute: 1 });
    const server = h.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const port = (server.address() as AddressInfo).port;
      for (let upload = 0; upload < 3; upload++) {
        const request = openImport(h, port);
        await sleep(50);
        request.destroy();
        await sleep(20);
      }
      expect(await statusOf(h, WRONG)).toBe(401);
      expect(await statusOf(h, WRONG)).toBe(429);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("does not count valid requests still being answered, however many are in flight", async () => {
    const h = makeHarness({ authFailuresPerMinute: 2 });
    const server = h.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const uploads: http.ClientRequest[] = [];
    try {
      const port = (server.address() as AddressInfo).port;
      // Three imports whose bodies never end: answered only once they do.
      for (let upload = 0; upload < 3; upload++) {
        uploads.push(openImport(h, port));
      }
      await sleep(50);
      expect(await statusOf(h, h.auth("read"))).toBe(200);
      expect(await statusOf(h, WRONG)).toBe(401);
      expect(await statusOf(h, WRONG)).toBe(401);
      expect(await statusOf(h, h.auth("read"))).toBe(429);
    } finally {
      for (const upload of uploads) upload.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("is off with 0", async () => {
    const h = makeHarness({ authFailuresPerMinute: 0 });
    for (let attempt = 0; attempt < 150; attempt++) expect(await statusOf(h, WRONG)).toBe(401);
    expect(await statusOf(h, h.auth("read"))).toBe(200);
  });

  it("prints no warning of the rate limiter, also for requests through a proxy", async () => {
    const warnings = [vi.spyOn(console, "warn"), vi.spyOn(console, "error")];
    const h = makeHarness({ authFailuresPerMinute: 2, rateLimitPerMinute: 100 });
    const forwarded = { "X-Forwarded-For": "203.0.113.7", Forwarded: "for=203.0.113.7" };
    await h.http.get("/v1/domains").set(forwarded).set(WRONG);
    await h.http.get("/v1/domains").set(forwarded).set(h.auth("read"));
    await h.http.get("/v1/domains").set(WRONG);
    await h.http.get("/v1/domains").set(WRONG);
    await h.http.get("/v1/domains").set(h.auth("read"));
    for (const warning of warnings) expect(warning).not.toHaveBeenCalled();
  });
});
