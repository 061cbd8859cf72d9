import { describe, expect, it } from "vitest";
import { errorOf, makeHarness } from "./support/http-harness.js";

describe("GET /v1/me", () => {
  it.each([
    ["events", "cms", ["events"]],
    ["read", "reader", ["read"]],
    ["eventsAndRead", "both", ["events", "read"]],
    ["admin", "ops", ["events", "read", "admin"]],
  ] as const)("answers the %s key's name and scopes in effect", async (key, name, scopes) => {
    const h = makeHarness();
    const response = await h.http.get("/v1/me").set(h.auth(key));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.body).toEqual({ name, scopes });
  });

  it("answers 401 Unauthenticated without a valid key", async () => {
    const h = makeHarness();
    for (const headers of [
      {},
      { Authorization: "Bearer not-a-key" },
      { Authorization: "Basic x" },
    ]) {
      const response = await h.http.get("/v1/me").set(headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.body).toEqual({
        error: { kind: "Unauthenticated", message: expect.any(String) },
      });
      expect(response.headers["www-authenticate"]).toBe('Bearer realm="civilink"');
    }
  });

  it("counts its 401s toward the limit of failed authentications of the address", async () => {
    const h = makeHarness({ authFailuresPerMinute: 2 });
    const wrong = { Authorization: "Bearer not-a-key" };
    expect((await h.http.get("/v1/me").set(wrong)).status).toBe(401);
    expect((await h.http.get("/v1/me").set(wrong)).status).toBe(401);
    const limited = await h.http.get("/v1/me").set(h.auth("read"));
    expect(limited.status).toBe(429);
    expect(errorOf(limited.body).kind).toBe("RateLimited");
    expect((await h.http.get("/v1/domains").set(h.auth("read"))).status).toBe(429);
  });

  it("answers without asking the store, and refuses query parameters", async () => {
    const h = makeHarness();
    h.store.offline = true;
    expect((await h.http.get("/v1/me").set(h.auth("events"))).status).toBe(200);
    const query = await h.http.get("/v1/me?verbose=1").set(h.auth("events"));
    expect(query.status).toBe(400);
    expect(query.body.error.details).toEqual([
      { path: "query.verbose", message: "is not a known field" },
    ]);
    expect((await h.http.post("/v1/me").set(h.auth("admin"))).status).toBe(404);
  });

  it("is in the OpenAPI document with x-scope any", async () => {
    const h = makeHarness();
    const document = (await h.http.get("/openapi.json")).body;
    expect(document.paths["/v1/me"].get).toMatchObject({
      security: [{ bearer: [] }],
      "x-scope": "any",
    });
  });
});
