import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TEST_STORES, shouldRun } from "../support/test-stores.js";
import { errorOf, makeStoreHarness, type StoreHarness } from "./support/http-harness.js";

/**
 * What the stores cannot hold never reaches them: ids out of their column's range and text that
 * PostgreSQL cannot store (U+0000, lone surrogates) are 400 ValidationFailed on every store, and
 * the largest ids of each kind work end to end.
 */

const MAX_DOMAIN_ID = 2_147_483_647;
const MAX_USER_ID = Number.MAX_SAFE_INTEGER;
const BEYOND_USER_ID = "9007199254740992";

const NUL = "\u0000";
const LONE_HIGH = "\ud800";
const LONE_LOW = "\udc00";

/** A request whose `field` carries a value the stores cannot hold. */
interface BadText {
  method: "post" | "put" | "patch" | "get";
  path: string;
  body?: unknown;
  field: string;
}

/** Every string field of every body, with `bad` in it; emails keep the shape of an address. */
function badTextRequests(bad: string, contactId: number): BadText[] {
  const email = `s${bad}@x.org`;
  const profileFields = ["email", "username", "firstName", "lastName", "name"] as const;
  const profile = (field: string) => (field === "email" ? email : `a${bad}b`);
  return [
    ...profileFields.map((field) => ({
      method: "post" as const,
      path: "/v1/domains/1/users/71/logged-in",
      body: { [field]: profile(field) },
      field,
    })),
    {
      method: "post",
      path: "/v1/domains/1/users/72/registered",
      body: { email: "r@x.org", firstName: `F${bad}` },
      field: "firstName",
    },
    { method: "put", path: "/v1/domains/1/users/73", body: { name: `N${bad}` }, field: "name" },
    {
      method: "post",
      path: "/v1/domains/1/users/74/interactions",
      body: { kind: "other", user: { email: "i@x.org", lastName: `L${bad}` } },
      field: "user.lastName",
    },
    {
      method: "post",
      path: "/v1/domains/1/interactions",
      body: { kind: "contribution", email },
      field: "email",
    },
    {
      method: "post",
      path: "/v1/domains/1/interactions",
      body: { kind: "contribution", email: "d@x.org", firstName: `D${bad}` },
      field: "firstName",
    },
    {
      method: "put",
      path: "/v1/domains/2",
      body: { cms: "drupal", name: `S${bad}` },
      field: "name",
    },
    ...(["firstName", "lastName", "displayName"] as const).map((field) => ({
      method: "post" as const,
      path: "/v1/contacts",
      body: { [field]: `C${bad}` },
      field,
    })),
    {
      method: "post",
      path: "/v1/contacts",
      body: { emails: [{ email }] },
      field: "emails.0.email",
    },
    {
      method: "post",
      path: "/v1/contacts",
      body: { emails: [{ email: "l@x.org", locationType: `W${bad}` }] },
      field: "emails.0.locationType",
    },
    ...(["firstName", "lastName"] as const).map((field) => ({
      method: "patch" as const,
      path: `/v1/contacts/${contactId}`,
      body: { [field]: `P${bad}` },
      field,
    })),
    {
      method: "patch",
      path: `/v1/contacts/${contactId}`,
      body: { primaryEmail: email },
      field: "primaryEmail",
    },
  ];
}

const KEY_OF_METHOD_AND_PATH = (request: BadText) =>
  request.path.startsWith("/v1/contacts") || /^\/v1\/domains\/\d+$/.test(request.path)
    ? "admin"
    : request.method === "get"
      ? "read"
      : "events";

/** Every route under /v1/domains/{domainId}, as it would be called with a valid request. */
const DOMAIN_ROUTES: { method: "get" | "post" | "put" | "delete"; path: string; body?: object }[] =
  [
    { method: "get", path: "" },
    { method: "put", path: "", body: { cms: "drupal" } },
    { method: "post", path: "/users/1/registered", body: { email: "a@x.org" } },
    { method: "post", path: "/users/1/logged-in", body: { email: "a@x.org" } },
    {
      method: "post",
      path: "/users/1/interactions",
      body: { kind: "other", user: { email: "a@x.org" } },
    },
    { method: "put", path: "/users/1", body: { email: "a@x.org" } },
    { method: "delete", path: "/users/1" },
    { method: "post", path: "/interactions", body: { kind: "other", email: "a@x.org" } },
    { method: "get", path: "/users/1/link" },
    { method: "get", path: "/links" },
    { method: "get", path: "/users" },
    { method: "post", path: "/sync", body: {} },
    { method: "get", path: "/outbox" },
    { method: "get", path: "/audit" },
    { method: "get", path: "/sync-jobs" },
    { method: "get", path: "/counts" },
  ];

const KEY_OF_DOMAIN_ROUTE = (route: (typeof DOMAIN_ROUTES)[number]) =>
  route.path === "" || route.path === "/users" || route.path === "/sync"
    ? "admin"
    : route.method === "get"
      ? "read"
      : "events";

/** The ids of every page of a listing, following the cursors the service gave. */
async function pagedIds(
  h: StoreHarness,
  path: string,
  items: string,
  key: "read" | "admin",
): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const query: string = cursor === null ? "?limit=1" : `?limit=1&cursor=${cursor}`;
    const response = await h.http.get(`${path}${query}`).set(h.auth(key));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    ids.push(...(response.body[items] as { userId: number }[]).map((item) => item.userId));
    cursor = response.body.nextCursor;
    if (cursor === null) return ids;
  }
  throw new Error("the listing did not end");
}

for (const testStore of ALL_TEST_STORES) {
  describe.runIf(await shouldRun(testStore))(`input bounds on ${testStore.name}`, () => {
    let h: StoreHarness;
    beforeAll(async () => {
      h = await makeStoreHarness(testStore);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("refuses a domain id above 2147483647 on every domain route with 400", async () => {
      for (const route of DOMAIN_ROUTES) {
        const path = `/v1/domains/${MAX_DOMAIN_ID + 1}${route.path}`;
        const call = h.http[route.method](path).set(h.auth(KEY_OF_DOMAIN_ROUTE(route)));
        const response = await (route.body ? call.send(route.body) : call);
        expect(response.status, `${route.method} ${path}: ${response.text}`).toBe(400);
        expect(response.body.error).toMatchObject({
          kind: "ValidationFailed",
          details: [{ path: "path.domainId", message: `must be at most ${MAX_DOMAIN_ID}` }],
        });
      }
    });

    it("creates and uses the domain 2147483647", async () => {
      const put = await h.http
        .put(`/v1/domains/${MAX_DOMAIN_ID}`)
        .set(h.auth("admin"))
        .send({ cms: "wordpress" });
      expect(put.status, put.text).toBe(200);
      expect(put.body).toMatchObject({ id: MAX_DOMAIN_ID, name: `Domain ${MAX_DOMAIN_ID}` });
      const login = await h.http
        .post(`/v1/domains/${MAX_DOMAIN_ID}/users/${MAX_USER_ID}/logged-in`)
        .set(h.auth("events"))
        .send({ email: "edge@x.org" });
      expect(login.status, login.text).toBe(200);
      expect(login.body.link).toMatchObject({ domainId: MAX_DOMAIN_ID, userId: MAX_USER_ID });
    });

    it("links, finds, audits and deletes the user 9007199254740991", async () => {
      const path = `/v1/domains/1/users/${MAX_USER_ID}`;
      const login = await h.http
        .post(`${path}/logged-in`)
        .set(h.auth("events"))
        .send({ email: "max@x.org" });
      expect(login.status, login.text).toBe(200);
      expect(login.body).toMatchObject({
        outcome: "created-contact",
        link: { userId: MAX_USER_ID },
      });
      const link = await h.http.get(`${path}/link`).set(h.auth("read"));
      expect(link.status, link.text).toBe(200);
      expect(link.body).toMatchObject({ userId: MAX_USER_ID, contactId: login.body.contactId });
      const audit = await h.http
        .get(`/v1/domains/1/audit?userId=${MAX_USER_ID}`)
        .set(h.auth("read"));
      expect(audit.status, audit.text).toBe(200);
      expect(audit.body.entries).toEqual([
        expect.objectContaining({ userId: MAX_USER_ID, action: "created-contact" }),
      ]);
      const removed = await h.http.delete(path).set(h.auth("events"));
      expect(removed.status, removed.text).toBe(200);
      expect(removed.body).toMatchObject({ outcome: "unlinked", contactId: login.body.contactId });
      expect((await h.http.get(`${path}/link`).set(h.auth("read"))).status).toBe(404);
    });

    it("refuses user and contact ids above 9007199254740991 with 400, in paths and queries", async () => {
      const cases: [string, string, "read" | "events"][] = [
        [`/v1/domains/1/users/${BEYOND_USER_ID}/link`, "path.userId", "read"],
        [`/v1/contacts/${BEYOND_USER_ID}`, "path.contactId", "read"],
        [`/v1/domains/1/links?contactId=${BEYOND_USER_ID}`, "query.contactId", "read"],
        [`/v1/domains/1/audit?userId=${BEYOND_USER_ID}`, "query.userId", "read"],
        [`/v1/domains/1/audit?contactId=${"9".repeat(20)}`, "query.contactId", "read"],
        [`/v1/domains/1/outbox?userId=${BEYOND_USER_ID}`, "query.userId", "read"],
      ];
      for (const [path, field, key] of cases) {
        const response = await h.http.get(path).set(h.auth(key));
        expect(response.status, `${path}: ${response.text}`).toBe(400);
        expect(response.body.error.details).toEqual([
          { path: field, message: `must be at most ${MAX_USER_ID}` },
        ]);
      }
      const contact = await h.http.get(`/v1/contacts/${MAX_USER_ID}`).set(h.auth("read"));
      expect(contact.status, contact.text).toBe(404);
      expect(errorOf(contact.body).kind).toBe("ContactNotFound");
    });

    it("pages past the largest user ids with the cursors it gave", async () => {
      await h.http.put("/v1/domains/3").set(h.auth("admin")).send({ cms: "drupal" });
      const ids = [1, MAX_USER_ID - 1, MAX_USER_ID];
      const lines = ids.map((userId) => JSON.stringify({ userId, email: `u${userId}@x.org` }));
      const imported = await h.http
        .post("/v1/domains/3/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "application/x-ndjson")
        .send(lines.join("\n"));
      expect(imported.body).toMatchObject({ imported: 3, rejected: [] });
      for (const userId of ids) {
        await h.http.post(`/v1/domains/3/users/${userId}/logged-in`).set(h.auth("events")).send({});
      }
      expect(await pagedIds(h, "/v1/domains/3/users", "users", "admin")).toEqual(ids);
      expect(await pagedIds(h, "/v1/domains/3/links", "links", "read")).toEqual(ids);
      const last = await h.http
        .get(`/v1/domains/3/users?cursor=${MAX_USER_ID}`)
        .set(h.auth("admin"));
      expect(last.status, last.text).toBe(200);
      expect(last.body).toEqual({ users: [], nextCursor: null });
      const beyond = await h.http
        .get(`/v1/domains/3/users?cursor=${BEYOND_USER_ID}`)
        .set(h.auth("admin"));
      expect(beyond.status).toBe(400);
      expect(beyond.body.error.details).toEqual([
        { path: "query.cursor", message: "is not a cursor this service gave" },
      ]);
    });

    it("imports the user 9007199254740991 and rejects a larger user id with its line", async () => {
      await h.http.put("/v1/domains/6").set(h.auth("admin")).send({ cms: "drupal" });
      const ndjson = [
        `{"userId":${MAX_USER_ID}}`,
        `{"userId":${BEYOND_USER_ID}}`,
        '{"userId":1e400}',
      ];
      const fromNdjson = await h.http
        .post("/v1/domains/6/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "application/x-ndjson")
        .send(ndjson.join("\n"));
      const csv = ["userId", "7", BEYOND_USER_ID, "9".repeat(400), "0"];
      const fromCsv = await h.http
        .post("/v1/domains/6/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "text/csv")
        .send(csv.join("\n"));
      const tooLarge = `userId must be at most ${MAX_USER_ID}.`;
      expect(fromNdjson.body).toEqual({
        imported: 1,
        updated: 0,
        rejected: [
          { line: 2, error: tooLarge },
          { line: 3, error: tooLarge },
        ],
        rejectedCount: 2,
      });
      expect(fromCsv.body).toEqual({
        imported: 1,
        updated: 0,
        rejected: [
          { line: 3, error: tooLarge },
          { line: 4, error: tooLarge },
          { line: 5, error: "userId must be a positive integer." },
        ],
        rejectedCount: 3,
      });
      const users = await h.http.get("/v1/domains/6/users").set(h.auth("admin"));
      expect(users.body.users.map((user: { userId: number }) => user.userId)).toEqual([
        7,
        MAX_USER_ID,
      ]);
    });
    it.each([
      ["U+0000", NUL, /U\+0000/],
      ["a lone high surrogate", LONE_HIGH, /surrogate/],
      ["a lone low surrogate", LONE_LOW, /surrogate/],
    ])(
      "refuses %s in every string field of a body with 400 naming the field",
      async (_label, bad, message) => {
        const created = await h.http
          .post("/v1/contacts")
          .set(h.auth("admin"))
          .send({ firstName: "Target" });
        expect(created.status).toBe(201);
        for (const request of badTextRequests(bad, created.body.id)) {
          const response = await h.http[request.method](request.path)
            .set(h.auth(KEY_OF_METHOD_AND_PATH(request)))
            .send(request.body as object);
          const label = `${request.method} ${request.path} ${request.field}: ${response.text}`;
          expect(response.status, label).toBe(400);
          expect(response.body.error, label).toMatchObject({
            kind: "ValidationFailed",
            details: [{ path: request.field, message: expect.stringMatching(message) }],
          });
        }
        const contact = await h.http.get(`/v1/contacts/${created.body.id}`).set(h.auth("read"));
        expect(contact.body).toMatchObject({ firstName: "Target", emails: [] });
      },
    );

    it("refuses U+0000 in query values and path names with 400 naming the parameter", async () => {
      const cases: [string, string][] = [
        ["/v1/contacts?email=a%00@x.org", "query.email"],
        ["/v1/domains/1/links?email=a%00@x.org", "query.email"],
        ["/v1/contacts?name=a%00b", "query.name"],
        ["/v1/sync-jobs/job%00", "path.jobId"],
      ];
      for (const [path, field] of cases) {
        const response = await h.http.get(path).set(h.auth("read"));
        expect(response.status, `${path}: ${response.text}`).toBe(400);
        expect(response.body.error).toMatchObject({
          kind: "ValidationFailed",
          details: [{ path: field, message: expect.stringMatching(/U\+0000/) }],
        });
      }
    });

    it("rejects the import lines the store cannot hold and keeps every other line", async () => {
      await h.http.put("/v1/domains/4").set(h.auth("admin")).send({ cms: "drupal" });
      const ndjson = [
        '{"userId":1,"email":"a@x.org"}',
        '{"userId":2,"firstName":"N\\u0000L"}',
        '{"userId":3,"email":"s\\ud800@x.org"}',
        '{"userId":4,"username":"dee"}',
        `{"userId":${MAX_USER_ID}}`,
        `{"userId":${BEYOND_USER_ID}}`,
      ].join("\n");
      const response = await h.http
        .post("/v1/domains/4/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "application/x-ndjson")
        .send(ndjson);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        imported: 3,
        updated: 0,
        rejected: [
          { line: 2, error: expect.stringMatching(/^firstName must not contain U\+0000/) },
          { line: 3, error: expect.stringMatching(/^email must not contain a lone surrogate/) },
          { line: 6, error: `userId must be at most ${MAX_USER_ID}.` },
        ],
        rejectedCount: 3,
      });
      const users = await h.http.get("/v1/domains/4/users").set(h.auth("admin"));
      expect(users.body.users.map((user: { userId: number }) => user.userId)).toEqual([
        1,
        4,
        MAX_USER_ID,
      ]);
    });

    it("rejects a CSV record with U+0000, keeping the others", async () => {
      await h.http.put("/v1/domains/5").set(h.auth("admin")).send({ cms: "drupal" });
      const csv = [
        "userId,email,firstName",
        "1,a@x.org,Ann",
        "2,b@x.org,N\u0000L",
        '3,"c\u0000\nc@x.org",',
        '4,d@x.org,"Dee\nDee"',
        "5,f@x.org,Fay",
      ].join("\n");
      const response = await h.http
        .post("/v1/domains/5/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "text/csv")
        .send(csv);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        imported: 3,
        updated: 0,
        rejected: [
          { line: 3, error: expect.stringMatching(/^firstName must not contain U\+0000/) },
          { line: 4, error: expect.stringMatching(/^email must not contain U\+0000/) },
        ],
        rejectedCount: 2,
      });
      const users = await h.http.get("/v1/domains/5/users").set(h.auth("admin"));
      expect(users.body.users).toEqual([
        { userId: 1, email: "a@x.org", firstName: "Ann", contactId: null },
        { userId: 4, email: "d@x.org", firstName: "Dee\nDee", contactId: null },
        { userId: 5, email: "f@x.org", firstName: "Fay", contactId: null },
      ]);
    });

    it("rejects a CSV record whose bytes are not UTF-8 with its line, keeping the others", async () => {
      await h.http.put("/v1/domains/7").set(h.auth("admin")).send({ cms: "drupal" });
      // Written byte for byte (latin1): "\xc3\xab" is the UTF-8 of "ë".
      const csv = Buffer.from(
        [
          "userId,email,firstName",
          "1,a@x.org,Zo\xc3\xab",
          "2,b@x.org,\xc3\x28", // a lead byte without its continuation
          '3,c@x.org,"two\nlines \xff"', // the record's second line is not UTF-8
          "4,d@x.org,\xed\xa0\x80", // a surrogate, as CESU-8 writes it
          "5,e@x.org,\xc0\xaf\r", // an overlong "/", then CRLF
          "6,f@x.org,Fay",
          "7,g@x.org,\xe2\x82", // a character cut off by the end of the input
        ].join("\n"),
        "latin1",
      );
      const response = await h.http
        .post("/v1/domains/7/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "text/csv")
        .send(csv);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        imported: 2,
        updated: 0,
        rejected: [3, 4, 6, 7, 9].map((line) => ({ line, error: "the line is not valid UTF-8" })),
        rejectedCount: 5,
      });
      const users = await h.http.get("/v1/domains/7/users").set(h.auth("admin"));
      expect(users.body.users).toEqual([
        { userId: 1, email: "a@x.org", firstName: "Zoë", contactId: null },
        { userId: 6, email: "f@x.org", firstName: "Fay", contactId: null },
      ]);
    });
  });
}
