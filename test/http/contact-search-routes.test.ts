import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TEST_STORES, shouldRun } from "../support/test-stores.js";
import {
  type Harness,
  ISO_TIME,
  makeHarness,
  makeStoreHarness,
  type StoreHarness,
} from "./support/http-harness.js";

type Http = Pick<Harness, "http" | "auth">;

async function createContact(h: Http, contact: Record<string, unknown>): Promise<number> {
  const response = await h.http.post("/v1/contacts").set(h.auth("admin")).send(contact);
  expect(response.status, response.text).toBe(201);
  return response.body.id as number;
}

const search = (h: Http, query: Record<string, string>) =>
  h.http.get("/v1/contacts").query(query).set(h.auth("read"));

const idsOf = (body: { contacts: { id: number }[] }) => body.contacts.map((contact) => contact.id);

for (const testStore of ALL_TEST_STORES) {
  describe.runIf(await shouldRun(testStore))(`GET /v1/contacts?name= on ${testStore.name}`, () => {
    let h: StoreHarness;
    let ids: Record<string, number>;
    beforeAll(async () => {
      h = await makeStoreHarness(testStore);
      ids = {
        elodie: await createContact(h, { firstName: "Élodie", lastName: "Ärmel" }),
        greek: await createContact(h, { firstName: "Νίκος", lastName: "ΠΑΠΑΔΌΠΟΥΛΟΣ" }),
        annan: await createContact(h, { firstName: "Kofi", lastName: "Annan" }),
        sale: await createContact(h, { contactType: "Organization", displayName: "50% Sale_Ltd" }),
        shown: await createContact(h, { firstName: "Jo", lastName: "Ray", displayName: "Dr JR" }),
      };
    });
    afterAll(async () => {
      await h?.close();
    });

    it.each([
      ["élodie", ["elodie"]],
      ["ÉLO", ["elodie"]],
      ["ärm", ["elodie"]],
      ["ÄRMEL", ["elodie"]],
      ["elodie", []],
      ["παπαδόπουλος", ["greek"]],
      ["ΝΊΚΟΣ", ["greek"]],
      ["a", ["annan", "sale", "shown"]],
      ["  ANNAN  ", ["annan"]],
      ["%", ["sale"]],
      ["0% s", ["sale"]],
      ["e_l", ["sale"]],
      ["_", ["sale"]],
      ["dr jr", ["shown"]],
      ["ray", ["shown"]],
      ["jo ray", []],
    ])("name=%j finds %j, lowest id first", async (name, expected) => {
      const response = await search(h, { name });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        contacts: expected.map((key) => expect.objectContaining({ id: ids[key] })),
        nextCursor: null,
      });
    });

    it("finds the contacts a sync created (written in batches on SQL stores) by their names", async () => {
      const lines = [
        { userId: 1, email: "zoe@x.org", firstName: "Zoë", lastName: "Ünal" },
        { userId: 2, email: "yan@x.org", firstName: "Yan", lastName: "ZÖLLER" },
      ].map((line) => JSON.stringify(line));
      await h.http
        .post("/v1/domains/1/users/import")
        .set(h.auth("admin"))
        .set("Content-Type", "application/x-ndjson")
        .send(lines.join("\n"))
        .expect(200);
      const started = await h.http.post("/v1/domains/1/sync").set(h.auth("admin")).expect(202);
      for (let attempt = 0; attempt < 500; attempt++) {
        const job = await h.http.get(started.headers.location as string).set(h.auth("read"));
        if (job.body.status !== "running") break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const found = await search(h, { name: "zö" });
      expect(found.body.contacts.map((c: { displayName: string }) => c.displayName)).toEqual([
        "Yan ZÖLLER",
      ]);
      const both = await search(h, { name: "Z" });
      expect(both.body.contacts.map((c: { firstName: string }) => c.firstName)).toEqual([
        "Zoë",
        "Yan",
      ]);
    });

    it("answers whole contacts, the same as GET /v1/contacts/{id}", async () => {
      const response = await search(h, { name: "élodie" });
      const contact = await h.http.get(`/v1/contacts/${ids.elodie}`).set(h.auth("read"));
      expect(response.body.contacts).toEqual([contact.body]);
      expect(contact.body).toMatchObject({ createdAt: expect.stringMatching(ISO_TIME) });
    });
  });
}

describe("GET /v1/contacts?name=", () => {
  it("leaves trashed contacts out unless includeDeleted=true", async () => {
    const h = makeHarness();
    const live = await createContact(h, { firstName: "Kim", lastName: "Live" });
    const trashed = await createContact(h, { firstName: "Kim", lastName: "Gone" });
    await h.http.delete(`/v1/contacts/${trashed}`).set(h.auth("admin")).expect(204);
    expect(idsOf((await search(h, { name: "kim" })).body)).toEqual([live]);
    expect(idsOf((await search(h, { name: "kim", includeDeleted: "false" })).body)).toEqual([live]);
    const all = await search(h, { name: "kim", includeDeleted: "true" });
    expect(idsOf(all.body)).toEqual([live, trashed]);
    expect(all.body.contacts[1].isDeleted).toBe(true);
  });

  it("pages: 25 by default, limit up to 100, nextCursor passed as cursor", async () => {
    const h = makeHarness();
    const ids: number[] = [];
    for (let index = 0; index < 27; index++) {
      ids.push(await createContact(h, { firstName: `Page${index}` }));
      await createContact(h, { firstName: `Other${index}` });
    }
    const first = await search(h, { name: "page" });
    expect(idsOf(first.body)).toEqual(ids.slice(0, 25));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await search(h, { name: "page", cursor: first.body.nextCursor });
    expect(rest.body).toEqual({
      contacts: ids.slice(25).map((id) => expect.objectContaining({ id })),
      nextCursor: null,
    });
    const small = await search(h, { name: "page", limit: "2" });
    expect(idsOf(small.body)).toEqual(ids.slice(0, 2));
    const next = await search(h, { name: "PAGE", limit: "2", cursor: small.body.nextCursor });
    expect(idsOf(next.body)).toEqual(ids.slice(2, 4));
    const whole = await search(h, { name: "page", limit: "100" });
    expect(idsOf(whole.body)).toEqual(ids);
    expect(whole.body.nextCursor).toBeNull();
  });

  it("takes names of up to 200 characters once trimmed", async () => {
    const h = makeHarness();
    const id = await createContact(h, { displayName: "é".repeat(200) });
    const longest = await search(h, { name: ` ${"É".repeat(200)} ` });
    expect(longest.status).toBe(200);
    expect(idsOf(longest.body)).toEqual([id]);
    const emoji = await search(h, { name: "😀".repeat(200) });
    expect(emoji.status).toBe(200);
  });

  it.each([
    [{ name: "" }, "query.name", "must be 1 to 200 characters once trimmed"],
    [{ name: "   " }, "query.name", "must be 1 to 200 characters once trimmed"],
    [{ name: "x".repeat(201) }, "query.name", "must be 1 to 200 characters once trimmed"],
    [{ name: "a\u0000b" }, "query.name", "must not contain U+0000 (the NUL character)"],
    [{ name: "ann", limit: "0" }, "query.limit", "must be at least 1"],
    [{ name: "ann", limit: "101" }, "query.limit", "must be at most 100"],
    [{ name: "ann", cursor: "x" }, "query.cursor", "is not a cursor this service gave"],
    [
      { name: "ann", cursor: "9007199254740992" },
      "query.cursor",
      "is not a cursor this service gave",
    ],
    [{ name: "ann", includeDeleted: "yes" }, "query.includeDeleted", "must be true or false"],
    [{ name: "ann", sort: "id" }, "query.sort", "is not a known field"],
  ])("refuses %j with 400 naming %s", async (query, path, message) => {
    const h = makeHarness();
    const response = await search(h, query);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      kind: "ValidationFailed",
      message: expect.any(String),
      details: [{ path, message }],
    });
  });

  it("needs exactly one of email and name", async () => {
    const h = makeHarness();
    const neither = await h.http.get("/v1/contacts").set(h.auth("read"));
    expect(neither.status).toBe(400);
    expect(neither.body.error.details).toEqual([
      { path: "query.email", message: "give email or name" },
      { path: "query.name", message: "give email or name" },
    ]);
    const both = await search(h, { email: "a@x.org", name: "ann" });
    expect(both.status).toBe(400);
    expect(both.body.error.details).toEqual([
      { path: "query.email", message: "give only one of email and name" },
      { path: "query.name", message: "give only one of email and name" },
    ]);
    const paged = await search(h, { email: "a@x.org", limit: "5", cursor: "1" });
    expect(paged.status).toBe(400);
    expect(paged.body.error.details).toEqual([
      { path: "query.limit", message: "is taken only with name" },
      { path: "query.cursor", message: "is taken only with name" },
    ]);
  });

  it("leaves ?email= as it was: every contact with the email, without nextCursor", async () => {
    const h = makeHarness();
    const id = await createContact(h, { firstName: "Ann", emails: [{ email: "ann@x.org" }] });
    const response = await search(h, { email: "ANN@x.org" });
    expect(response.body).toEqual({ contacts: [expect.objectContaining({ id })] });
  });

  it("needs the read scope", async () => {
    const h = makeHarness();
    expect((await h.http.get("/v1/contacts?name=a")).status).toBe(401);
    expect((await h.http.get("/v1/contacts?name=a").set(h.auth("events"))).status).toBe(403);
    expect((await h.http.get("/v1/contacts?name=a").set(h.auth("admin"))).status).toBe(200);
  });
});
