import { ok } from "neverthrow";
import { describe, expect, it } from "vitest";
import { type Harness, makeHarness } from "./support/http-harness.js";

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

/** Imports users 1 to `count` into domain 1; users in `linked` then log in and are linked. */
async function directory(h: Harness, count: number, linked: number[]) {
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({ userId: index + 1, email: `u${index + 1}@x.org` }),
  );
  await h.http
    .post("/v1/domains/1/users/import")
    .set(h.auth("admin"))
    .set("Content-Type", "application/x-ndjson")
    .send(lines.join("\n"))
    .expect(200);
  for (const userId of linked) {
    await h.http
      .post(`/v1/domains/1/users/${userId}/logged-in`)
      .set(h.auth("events"))
      .send({})
      .expect(200);
  }
}

const userIds = (body: { users: { userId: number }[] }) => body.users.map((user) => user.userId);

describe("GET /v1/domains/{domainId}/users?linked=", () => {
  it("keeps only the linked users, or only the others, each with its contact or null", async () => {
    const h = makeHarness();
    await directory(h, 6, [2, 5]);
    const linked = await h.http.get("/v1/domains/1/users?linked=true").set(h.auth("admin"));
    expect(linked.status).toBe(200);
    expect(userIds(linked.body)).toEqual([2, 5]);
    for (const user of linked.body.users) expect(user.contactId).toEqual(expect.any(Number));
    const others = await h.http.get("/v1/domains/1/users?linked=false").set(h.auth("admin"));
    expect(others.body).toEqual({
      users: [1, 3, 4, 6].map((userId) => ({ userId, email: `u${userId}@x.org`, contactId: null })),
      nextCursor: null,
    });
  });

  it("gives full pages in userId order however many users in a row it leaves out", async () => {
    const h = makeHarness();
    const linked = [2, 3, 4, 5, 6, 7, 8, 9, 10];
    await directory(h, 14, linked);
    const pages: number[][] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: Record<string, string> = { linked: "false", limit: "2" };
      if (cursor !== null) query.cursor = cursor;
      const response = await h.http.get("/v1/domains/1/users").query(query).set(h.auth("admin"));
      pages.push(userIds(response.body));
      cursor = response.body.nextCursor;
      if (cursor === null) break;
    }
    expect(pages).toEqual([[1, 11], [12, 13], [14]]);
    const first = await h.http.get("/v1/domains/1/users?linked=true&limit=4").set(h.auth("admin"));
    expect(userIds(first.body)).toEqual([2, 3, 4, 5]);
    const second = await h.http
      .get("/v1/domains/1/users")
      .query({ linked: "true", limit: 4, cursor: first.body.nextCursor })
      .set(h.auth("admin"));
    expect(userIds(second.body)).toEqual([6, 7, 8, 9]);
  });

  it.each(["yes", "1", "TRUE", ""])("refuses linked=%j with 400 at query.linked", async (value) => {
    const h = makeHarness();
    const response = await h.http.get(`/v1/domains/1/users?linked=${value}`).set(h.auth("admin"));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { path: "query.linked", message: "must be true or false" },
    ]);
  });
});

describe("GET /v1/domains/{domainId}/counts", () => {
  it("counts the directory's users, linked or not, and the domain's links", async () => {
    const h = makeHarness();
    expect((await h.http.get("/v1/domains/1/counts").set(h.auth("read"))).body).toEqual({
      users: 0,
      linkedUsers: 0,
      notLinkedUsers: 0,
      links: 0,
    });
    await directory(h, 5, [1, 4]);
    // A link whose user is no longer in the directory (removed behind civilink's back).
    await h.http
      .post("/v1/domains/1/users/9/logged-in")
      .set(h.auth("events"))
      .send({ email: "nine@x.org" })
      .expect(200);
    await h.store.transaction({}, async (stores) => ok(await stores.users.remove(1, 9)));
    // Another domain's users and links are not counted.
    await h.http.put("/v1/domains/2").set(h.auth("admin")).send({ cms: "drupal" }).expect(200);
    await h.http
      .post("/v1/domains/2/users/1/logged-in")
      .set(h.auth("events"))
      .send({ email: "u1@x.org" })
      .expect(200);
    const response = await h.http.get("/v1/domains/1/counts").set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ users: 5, linkedUsers: 2, notLinkedUsers: 3, links: 3 });
  });

  it("answers 404 DomainNotFound, refuses query parameters and needs the read scope", async () => {
    const h = makeHarness();
    const missing = await h.http.get("/v1/domains/2/counts").set(h.auth("read"));
    expect(missing.status).toBe(404);
    expect(missing.body.error.kind).toBe("DomainNotFound");
    const query = await h.http.get("/v1/domains/1/counts?linked=true").set(h.auth("read"));
    expect(query.status).toBe(400);
    expect(query.body.error.details).toEqual([
      { path: "query.linked", message: "is not a known field" },
    ]);
    expect((await h.http.get("/v1/domains/1/counts")).status).toBe(401);
    expect((await h.http.get("/v1/domains/1/counts").set(h.auth("events"))).status).toBe(403);
    expect((await h.http.get("/v1/domains/1/counts").set(h.auth("admin"))).status).toBe(200);
  });
});
