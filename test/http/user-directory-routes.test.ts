import { describe, expect, it } from "vitest";
import { makeHarness } from "./support/http-harness.js";

describe("GET /v1/domains/{domainId}/users", () => {
  it("lists the directory in userId order, each user with its contact or null", async () => {
    const h = makeHarness();
    await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "joomla" }).expect(200);
    const linked = await h.http
      .post("/v1/domains/2/users/9/interactions")
      .set(h.auth("events"))
      .send({ kind: "profile", user: { email: "a@x.org", firstName: "Ada", username: "ada" } });
    await h.http
      .post("/v1/domains/2/users/3/registered")
      .set(h.auth("events"))
      .send({ email: "j@x.org", name: "Doe, John", username: "jd" })
      .expect(200);
    const response = await h.http.get("/v1/domains/2/users").set(h.auth("admin"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      users: [
        { userId: 3, email: "j@x.org", username: "jd", name: "Doe, John", contactId: null },
        {
          userId: 9,
          email: "a@x.org",
          username: "ada",
          firstName: "Ada",
          contactId: linked.body.contactId,
        },
      ],
      nextCursor: null,
    });
  });

  it("pages with limit and cursor", async () => {
    const h = makeHarness();
    for (const userId of [4, 2, 8]) {
      await h.http
        .post(`/v1/domains/1/users/${userId}/logged-in`)
        .set(h.auth("events"))
        .send({ email: `u${userId}@x.org` })
        .expect(200);
    }
    const first = await h.http.get("/v1/domains/1/users?limit=2").set(h.auth("admin"));
    expect(first.body.users.map((u: { userId: number }) => u.userId)).toEqual([2, 4]);
    const second = await h.http
      .get("/v1/domains/1/users")
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set(h.auth("admin"));
    expect(second.body).toEqual({
      users: [expect.objectContaining({ userId: 8, email: "u8@x.org" })],
      nextCursor: null,
    });
  });

  it("refuses bad paging and unknown parameters", async () => {
    const h = makeHarness();
    for (const [query, path] of [
      ["limit=1001", "query.limit"],
      ["cursor=x", "query.cursor"],
      ["email=a@x.org", "query.email"],
    ] as const) {
      const response = await h.http.get(`/v1/domains/1/users?${query}`).set(h.auth("admin"));
      expect(response.status, query).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it("answers 404 DomainNotFound in a domain that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/2/users").set(h.auth("admin"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("DomainNotFound");
  });
});
