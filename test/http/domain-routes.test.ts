import { describe, expect, it } from "vitest";
import { makeHarness } from "./support/http-harness.js";

const DEFAULT_RULE = { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 };
const DOMAIN_1 = {
  id: 1,
  name: "Default",
  cms: "drupal",
  syncCmsEmail: true,
  dedupeRule: DEFAULT_RULE,
};

describe("GET /v1/domains", () => {
  it("lists domain 1 from the start", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains").set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.body).toEqual({ domains: [DOMAIN_1] });
  });

  it("lists a domain once it is put", async () => {
    const h = makeHarness();
    await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "joomla" }).expect(200);
    const response = await h.http.get("/v1/domains").set(h.auth("read"));
    expect(response.body.domains.map((domain: { id: number }) => domain.id)).toEqual([1, 2]);
  });

  it("refuses query parameters", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains?all=1").set(h.auth("read"));
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      kind: "ValidationFailed",
      message: expect.any(String),
      details: [{ path: "query.all", message: "is not a known field" }],
    });
  });
});

describe("GET /v1/domains/{domainId}", () => {
  it("answers domain 1", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/1").set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual(DOMAIN_1);
  });

  it("answers 404 DomainNotFound for a domain that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/2").set(h.auth("read"));
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { kind: "DomainNotFound", message: expect.any(String) },
    });
  });

  it.each([
    ["abc", "must be a positive integer"],
    ["0", "must be a positive integer"],
    ["-1", "must be a positive integer"],
    ["1.5", "must be a positive integer"],
    ["01", "must be a positive integer"],
    ["1e3", "must be a positive integer"],
    ["2147483648", "must be at most 2147483647"],
    ["9999999999999999", "must be at most 2147483647"],
  ])("answers 400 ValidationFailed for the path id %s", async (id, message) => {
    const h = makeHarness();
    const response = await h.http.get(`/v1/domains/${id}`).set(h.auth("read"));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        kind: "ValidationFailed",
        message: expect.any(String),
        details: [{ path: "path.domainId", message }],
      },
    });
  });
});

describe("PUT /v1/domains/{domainId}", () => {
  it("creates a domain, filling omitted fields with their defaults", async () => {
    const h = makeHarness();
    const response = await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "joomla" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: 2,
      name: "Domain 2",
      cms: "joomla",
      syncCmsEmail: true,
      dedupeRule: DEFAULT_RULE,
    });
    const read = await h.http.get("/v1/domains/2").set(h.auth("read"));
    expect(read.body).toEqual(response.body);
  });

  it("replaces a domain whole: an omitted weight is 0, an omitted field its default", async () => {
    const h = makeHarness();
    const full = {
      name: "Members",
      cms: "wordpress",
      syncCmsEmail: false,
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 },
    };
    const first = await h.http.put("/v1/domains/1").set(h.auth("admin")).send(full);
    expect(first.body).toEqual({ id: 1, ...full });
    const second = await h.http
      .put("/v1/domains/1")
      .set(h.auth("admin"))
      .send({
        cms: "backdrop",
        dedupeRule: { weights: { email: 10, firstName: 5 }, threshold: 15 },
      });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      id: 1,
      name: "Domain 1",
      cms: "backdrop",
      syncCmsEmail: true,
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 0 }, threshold: 15 },
    });
  });

  it("refuses unknown fields, also nested ones", async () => {
    const h = makeHarness();
    const response = await h.http
      .put("/v1/domains/2")
      .set(h.auth("admin"))
      .send({ cms: "drupal", colour: "red", dedupeRule: { weights: { phone: 1 } } });
    expect(response.status).toBe(400);
    expect(response.body.error.kind).toBe("ValidationFailed");
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { path: "colour", message: "is not a known field" },
        { path: "dedupeRule.weights.phone", message: "is not a known field" },
      ]),
    );
    expect((await h.http.get("/v1/domains/2").set(h.auth("read"))).status).toBe(404);
  });

  it("refuses wrong types and an unknown CMS", async () => {
    const h = makeHarness();
    const response = await h.http
      .put("/v1/domains/2")
      .set(h.auth("admin"))
      .send({ cms: "typo3", syncCmsEmail: "yes", name: 7 });
    expect(response.status).toBe(400);
    const paths = response.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths.sort()).toEqual(["cms", "name", "syncCmsEmail"]);
  });

  it("refuses a negative weight", async () => {
    const h = makeHarness();
    const response = await h.http
      .put("/v1/domains/2")
      .set(h.auth("admin"))
      .send({ cms: "drupal", dedupeRule: { threshold: -1 } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { path: "dedupeRule.threshold", message: expect.any(String) },
    ]);
  });

  it("needs a body", async () => {
    const h = makeHarness();
    const response = await h.http.put("/v1/domains/2").set(h.auth("admin"));
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      kind: "ValidationFailed",
      message: expect.any(String),
      details: [{ path: "body", message: "a JSON body is required" }],
    });
  });

  it("refuses a JSON value that is not an object", async () => {
    const h = makeHarness();
    const response = await h.http
      .put("/v1/domains/2")
      .set(h.auth("admin"))
      .set("Content-Type", "application/json")
      .send("[1,2]");
    expect(response.status).toBe(400);
    expect(response.body.error.kind).toBe("ValidationFailed");
  });
});
