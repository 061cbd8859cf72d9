import { describe, expect, it } from "vitest";
import { type Harness, ISO_TIME, makeHarness } from "./support/http-harness.js";

/** User 5 registered (a contact created), then the contact's primary email edited twice. */
async function twoEmailChanges(h: Harness) {
  const outcome = await h.http
    .post("/v1/domains/1/users/5/registered")
    .set(h.auth("events"))
    .send({ email: "a@x.org" });
  const contactId = outcome.body.contactId as number;
  for (const email of ["n@x.org", "m@x.org"]) {
    await h.http
      .patch(`/v1/contacts/${contactId}`)
      .set(h.auth("admin"))
      .send({ primaryEmail: email })
      .expect(200);
  }
  return contactId;
}

describe("GET /v1/domains/{domainId}/outbox", () => {
  it("lists the events oldest first, nextCursor null on the last page", async () => {
    const h = makeHarness();
    await twoEmailChanges(h);
    const response = await h.http.get("/v1/domains/1/outbox").set(h.auth("read"));
    expect(response.status).toBe(200);
    const event = (email: string) => ({
      id: expect.any(String),
      type: "user.email-changed",
      domainId: 1,
      userId: 5,
      email,
      at: expect.stringMatching(ISO_TIME),
    });
    expect(response.body).toEqual({
      events: [event("n@x.org"), event("m@x.org")],
      nextCursor: null,
    });
  });

  it("pages: a page's nextCursor passed as after gives the events after it", async () => {
    const h = makeHarness();
    await twoEmailChanges(h);
    const first = await h.http.get("/v1/domains/1/outbox?limit=1").set(h.auth("read"));
    expect(first.body.events.map((e: { email: string }) => e.email)).toEqual(["n@x.org"]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await h.http
      .get("/v1/domains/1/outbox")
      .query({ after: first.body.nextCursor, limit: 1 })
      .set(h.auth("read"));
    expect(second.body.events.map((e: { email: string }) => e.email)).toEqual(["m@x.org"]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("is empty in a new domain", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/1/outbox").set(h.auth("read"));
    expect(response.body).toEqual({ events: [], nextCursor: null });
  });

  it("refuses a bad after, a bad limit and unknown parameters", async () => {
    const h = makeHarness();
    for (const [query, path] of [
      ["after=xyz", "query.after"],
      ["limit=5000", "query.limit"],
      ["cursor=1", "query.cursor"],
    ] as const) {
      const response = await h.http.get(`/v1/domains/1/outbox?${query}`).set(h.auth("read"));
      expect(response.status, query).toBe(400);
      expect(response.body.error.kind).toBe("ValidationFailed");
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it("answers 404 DomainNotFound in a domain that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/3/outbox").set(h.auth("read"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("DomainNotFound");
  });
});

describe("GET /v1/domains/{domainId}/audit", () => {
  it("lists the audit entries oldest first", async () => {
    const h = makeHarness();
    const contactId = await twoEmailChanges(h);
    const response = await h.http.get("/v1/domains/1/audit").set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.entries[0]).toEqual({
      at: expect.stringMatching(ISO_TIME),
      domainId: 1,
      userId: 5,
      contactId,
      action: "created-contact",
      trigger: "registration",
    });
    expect(response.body.entries.length).toBeGreaterThan(1);
    for (const entry of response.body.entries) {
      expect(Object.keys(entry).sort()).toEqual([
        "action",
        "at",
        "contactId",
        "domainId",
        "trigger",
        "userId",
      ]);
    }
    expect(response.body.entries.slice(1)).toContainEqual(
      expect.objectContaining({ action: "ufname-updated", trigger: "contact-update", userId: 5 }),
    );
  });

  it("filters by user and by contact, and pages", async () => {
    const h = makeHarness();
    const contactId = await twoEmailChanges(h);
    await h.http
      .post("/v1/domains/1/users/6/registered")
      .set(h.auth("events"))
      .send({ email: "b@x.org" });
    const all = await h.http.get("/v1/domains/1/audit").set(h.auth("read"));
    const ofUser6 = await h.http.get("/v1/domains/1/audit?userId=6").set(h.auth("read"));
    expect(ofUser6.body.entries).toEqual([
      expect.objectContaining({ userId: 6, action: "created-contact" }),
    ]);
    const ofContact = await h.http
      .get(`/v1/domains/1/audit?contactId=${contactId}`)
      .set(h.auth("read"));
    expect(ofContact.body.entries).toHaveLength(all.body.entries.length - 1);
    const first = await h.http.get("/v1/domains/1/audit?limit=1").set(h.auth("read"));
    expect(first.body.entries).toEqual([all.body.entries[0]]);
    const second = await h.http
      .get("/v1/domains/1/audit")
      .query({ limit: 1, cursor: first.body.nextCursor })
      .set(h.auth("read"));
    expect(second.body.entries).toEqual([all.body.entries[1]]);
  });

  it("refuses bad filters and unknown parameters", async () => {
    const h = makeHarness();
    for (const [query, path] of [
      ["userId=me", "query.userId"],
      ["contactId=-3", "query.contactId"],
      ["limit=0", "query.limit"],
      ["cursor=abc", "query.cursor"],
      ["action=conflict", "query.action"],
    ] as const) {
      const response = await h.http.get(`/v1/domains/1/audit?${query}`).set(h.auth("read"));
      expect(response.status, query).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it("answers 404 DomainNotFound in a domain that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.get("/v1/domains/3/audit").set(h.auth("read"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("DomainNotFound");
  });
});

describe("GET /v1/domains/{domainId}/outbox?userId=", () => {
  it("lists one user's events only, oldest first, paged with after", async () => {
    const h = makeHarness();
    await twoEmailChanges(h);
    const other = await h.http
      .post("/v1/domains/1/users/6/registered")
      .set(h.auth("events"))
      .send({ email: "b@x.org" });
    await h.http
      .patch(`/v1/contacts/${other.body.contactId}`)
      .set(h.auth("admin"))
      .send({ primaryEmail: "o@x.org" })
      .expect(200);
    const all = await h.http.get("/v1/domains/1/outbox").set(h.auth("read"));
    expect(all.body.events.map((e: { userId: number }) => e.userId)).toEqual([5, 5, 6]);
    const ofSix = await h.http.get("/v1/domains/1/outbox?userId=6").set(h.auth("read"));
    expect(ofSix.body).toEqual({ events: [all.body.events[2]], nextCursor: null });
    const first = await h.http.get("/v1/domains/1/outbox?userId=5&limit=1").set(h.auth("read"));
    expect(first.body.events).toEqual([all.body.events[0]]);
    const second = await h.http
      .get("/v1/domains/1/outbox")
      .query({ userId: 5, limit: 1, after: first.body.nextCursor })
      .set(h.auth("read"));
    expect(second.body).toEqual({ events: [all.body.events[1]], nextCursor: null });
    const none = await h.http.get("/v1/domains/1/outbox?userId=7").set(h.auth("read"));
    expect(none.body).toEqual({ events: [], nextCursor: null });
  });

  it.each([
    ["userId=me", "must be a positive integer"],
    ["userId=0", "must be a positive integer"],
    ["userId=9007199254740992", "must be at most 9007199254740991"],
  ])("refuses %s with 400 at query.userId", async (query, message) => {
    const h = makeHarness();
    const response = await h.http.get(`/v1/domains/1/outbox?${query}`).set(h.auth("read"));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: "query.userId", message }]);
  });
});
