import { describe, expect, it } from "vitest";
import { type Harness, ISO_TIME, makeHarness } from "./support/http-harness.js";

async function register(h: Harness, userId: number, email: string, domainId = 1) {
  const response = await h.http
    .post(`/v1/domains/${domainId}/users/${userId}/registered`)
    .set(h.auth("events"))
    .send({ email });
  expect(response.status).toBe(200);
  return response.body as { outcome: string; contactId: number };
}

describe("GET /v1/domains/{domainId}/users/{userId}/link", () => {
  it("answers the user's link", async () => {
    const h = makeHarness();
    const { contactId } = await register(h, 42, " A@x.org ");
    const response = await h.http.get("/v1/domains/1/users/42/link").set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      domainId: 1,
      userId: 42,
      contactId,
      ufName: "A@x.org",
      createdAt: expect.stringMatching(ISO_TIME),
      updatedAt: expect.stringMatching(ISO_TIME),
    });
    expect(Object.keys(response.body)).toHaveLength(6);
  });

  it("answers 404 LinkNotFound for an unlinked user", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/1/users/42/link").set(h.auth("read"));
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { kind: "LinkNotFound", message: expect.any(String) } });
  });

  it("answers 404 DomainNotFound in a domain that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/7/users/42/link").set(h.auth("read"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("DomainNotFound");
  });

  it("reports every bad path id", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/x/users/0/link").set(h.auth("read"));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { path: "path.domainId", message: "must be a positive integer" },
      { path: "path.userId", message: "must be a positive integer" },
    ]);
  });

  it("refuses query parameters", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/1/users/42/link?x=1").set(h.auth("read"));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { path: "query.x", message: "is not a known field" },
    ]);
  });
});

describe("GET /v1/domains/{domainId}/links", () => {
  async function threeLinks() {
    const h = makeHarness();
    const a = await register(h, 3, "a@x.org");
    const b = await register(h, 1, "b@x.org");
    const c = await register(h, 2, "A@X.ORG");
    return { h, contacts: [a.contactId, b.contactId, c.contactId] };
  }

  it("lists the domain's links in userId order", async () => {
    const { h, contacts } = await threeLinks();
    const response = await h.http.get("/v1/domains/1/links").set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      links: [
        expect.objectContaining({
          domainId: 1,
          userId: 1,
          contactId: contacts[1],
          ufName: "b@x.org",
        }),
        expect.objectContaining({ userId: 2, ufName: "A@X.ORG" }),
        expect.objectContaining({ userId: 3, contactId: contacts[0], ufName: "a@x.org" }),
      ],
      nextCursor: null,
    });
    for (const link of response.body.links) {
      expect(Object.keys(link).sort()).toEqual(
        ["contactId", "createdAt", "domainId", "ufName", "updatedAt", "userId"].sort(),
      );
    }
  });

  it("filters by email, compared by key", async () => {
    const { h } = await threeLinks();
    const response = await h.http
      .get("/v1/domains/1/links")
      .query({ email: " a@X.org " })
      .set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body.links.map((link: { userId: number }) => link.userId)).toEqual([2, 3]);
  });

  it("filters by contact", async () => {
    const { h, contacts } = await threeLinks();
    const response = await h.http
      .get(`/v1/domains/1/links?contactId=${contacts[1]}`)
      .set(h.auth("read"));
    expect(response.body).toEqual({
      links: [expect.objectContaining({ userId: 1, contactId: contacts[1] })],
      nextCursor: null,
    });
  });

  it("pages with limit and cursor", async () => {
    const { h } = await threeLinks();
    const first = await h.http.get("/v1/domains/1/links?limit=2").set(h.auth("read"));
    expect(first.body.links.map((link: { userId: number }) => link.userId)).toEqual([1, 2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await h.http
      .get("/v1/domains/1/links")
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set(h.auth("read"));
    expect(second.status).toBe(200);
    expect(second.body.links.map((link: { userId: number }) => link.userId)).toEqual([3]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("accepts limit 1000 and refuses 0, 1001 and a non-number", async () => {
    const { h } = await threeLinks();
    expect((await h.http.get("/v1/domains/1/links?limit=1000").set(h.auth("read"))).status).toBe(
      200,
    );
    for (const limit of ["0", "1001", "ten", "-1", "2.5", ""]) {
      const response = await h.http.get(`/v1/domains/1/links?limit=${limit}`).set(h.auth("read"));
      expect(response.status, limit).toBe(400);
      expect(response.body.error.kind).toBe("ValidationFailed");
      expect(response.body.error.details[0].path).toBe("query.limit");
    }
  });

  it("refuses a bad contactId, a bad cursor, an invalid email and unknown parameters", async () => {
    const { h } = await threeLinks();
    const cases: [string, string][] = [
      ["contactId=abc", "query.contactId"],
      ["contactId=0", "query.contactId"],
      ["cursor=not-a-cursor", "query.cursor"],
      ["email=not-an-email", "query.email"],
      ["sort=desc", "query.sort"],
      ["limit=1&limit=2", "query.limit"],
    ];
    for (const [query, path] of cases) {
      const response = await h.http.get(`/v1/domains/1/links?${query}`).set(h.auth("read"));
      expect(response.status, query).toBe(400);
      expect(response.body.error.kind).toBe("ValidationFailed");
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it("answers 404 DomainNotFound in a domain that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/2/links").set(h.auth("read"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("DomainNotFound");
  });
});
