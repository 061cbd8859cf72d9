import type { ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  type Civilink,
  type CursorPage,
  type CursorRequest,
  type DomainId,
  MAX_SYNC_JOB_CURSOR_LENGTH,
  SYNC_JOB_CURSOR,
} from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import { login, putDomain } from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness } from "./helpers.js";

type Paged<T> = (input: { limit?: number; cursor?: string }) => Promise<CursorPage<T>>;

/** Follows nextCursor to the end; answers the pages' items and their cursors. */
async function allPages<T>(page: Paged<T>, limit: number) {
  const pages: T[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const result = await page(cursor === undefined ? { limit } : { limit, cursor });
    pages.push(result.items);
    cursors.push(result.nextCursor);
    if (result.nextCursor === null) return { pages, cursors };
    cursor = result.nextCursor;
  }
  throw new Error("paging never ended");
}

/** The domain-scoped queries, each called with a domain id and otherwise valid input. */
type DomainQuery = (app: Civilink, domainId: DomainId) => ResultAsync<unknown, { kind: string }>;
const DOMAIN_QUERIES: [string, DomainQuery][] = [
  ["getLink", (app, domainId) => app.getLink.execute({ domainId, userId: 5 })],
  ["listLinks", (app, domainId) => app.listLinks.execute({ domainId })],
  ["listAudit", (app, domainId) => app.listAudit.execute({ domainId })],
  ["listOutbox", (app, domainId) => app.listOutbox.execute({ domainId })],
  ["listUsers", (app, domainId) => app.listUsers.execute({ domainId })],
  ["listSyncJobs", (app, domainId) => app.listSyncJobs.execute({ domainId })],
  ["countDomainUsers", (app, domainId) => app.countDomainUsers.execute({ domainId })],
];

describe("domain-scoped queries", () => {
  it.each(DOMAIN_QUERIES)("%s of a missing domain is DomainNotFound", async (_name, query) => {
    const { app } = harness();
    expect(await expectErr(query(app, 4))).toMatchObject({ kind: "DomainNotFound", domainId: 4 });
  });

  it.each(
    DOMAIN_QUERIES.flatMap(([name, query]) => BAD_IDS.map((id) => [name, query, id] as const)),
  )("%s refuses domainId %s", async (_name, query, id) => {
    const { app, calls } = harness();
    expect(await expectInvalid(query(app, id))).toEqual(["domainId"]);
    expect(calls).toEqual([]);
  });

  type List = (app: Civilink, paging: CursorRequest) => ResultAsync<unknown, { kind: string }>;
  const LISTS: [string, List][] = [
    ["listLinks", (app, paging) => app.listLinks.execute({ domainId: 1, ...paging })],
    ["listAudit", (app, paging) => app.listAudit.execute({ domainId: 1, ...paging })],
    ["listOutbox", (app, paging) => app.listOutbox.execute({ domainId: 1, ...paging })],
    ["listUsers", (app, paging) => app.listUsers.execute({ domainId: 1, ...paging })],
  ];
  const BAD_PAGING: [CursorRequest, string[]][] = [
    [{ limit: 0 }, ["limit"]],
    [{ limit: -1 }, ["limit"]],
    [{ limit: 1.5 }, ["limit"]],
    [{ limit: 1001 }, ["limit"]],
    [{ limit: Number.NaN }, ["limit"]],
    [{ cursor: "abc" }, ["cursor"]],
    [{ cursor: "-1" }, ["cursor"]],
    [{ cursor: "1.5" }, ["cursor"]],
    [{ cursor: "" }, ["cursor"]],
    [{ cursor: "0" }, ["cursor"]],
    [{ cursor: "9007199254740992" }, ["cursor"]],
    [{ limit: 0, cursor: "x" }, ["limit", "cursor"]],
  ];

  it.each(
    LISTS.flatMap(([name, list]) =>
      BAD_PAGING.map(([paging, paths]) => [name, list, paging, paths] as const),
    ),
  )("%s refuses paging %j", async (_name, list, paging, paths) => {
    const { app, calls } = harness();
    expect(await expectInvalid(list(app, paging))).toEqual(paths);
    expect(calls).toEqual([]);
  });

  it.each(LISTS)("%s accepts limit 1 and 1000", async (_name, list) => {
    const { app } = harness();
    await expectOk(list(app, { limit: 1 }));
    await expectOk(list(app, { limit: 1000 }));
  });

  it.each([...BAD_PAGING, [{ limit: 101 }, ["limit"]] as [CursorRequest, string[]]])(
    "listSyncJobs refuses paging %j",
    async (paging, paths) => {
      const { app, calls } = harness();
      expect(await expectInvalid(app.listSyncJobs.execute({ domainId: 1, ...paging }))).toEqual(
        paths,
      );
      expect(calls).toEqual([]);
    },
  );

  it("listSyncJobs accepts limit 1 and 100, and only the cursors it gave", async () => {
    const { app } = harness();
    await expectOk(app.listSyncJobs.execute({ domainId: 1, limit: 1 }));
    await expectOk(app.listSyncJobs.execute({ domainId: 1, limit: 100 }));
    for (const cursor of ["MTIz", "MTIzLg", "LmpvYg", "MDEuam9i", "OTk5OTk5OTk5OTk5OTk5OTkuam9i"]) {
      expect(
        await expectInvalid(app.listSyncJobs.execute({ domainId: 1, cursor })),
        cursor,
      ).toEqual(["cursor"]);
    }
  });
});

describe("the sync job cursor", () => {
  it.each([
    ["a UUID", "9a1b0c4e-1234-4000-8000-00000000abcd"],
    ["the longest id, beyond ASCII", `${"é😀".repeat(33)}x`],
  ])("gives back the key of %s", (_label, id) => {
    const key = { startedAt: new Date("2024-03-04T05:06:07.089Z"), id };
    const cursor = SYNC_JOB_CURSOR.write(key);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(cursor.length).toBeLessThanOrEqual(MAX_SYNC_JOB_CURSOR_LENGTH);
    expect(SYNC_JOB_CURSOR.read(cursor)).toEqual(key);
  });

  it("reads no other text as a key", () => {
    const over = SYNC_JOB_CURSOR.write({ startedAt: new Date(0), id: "x".repeat(101) });
    for (const text of ["", "=", "a+b", "a/b", "_w", "x".repeat(600), over]) {
      expect(SYNC_JOB_CURSOR.read(text), text).toBeNull();
    }
  });
});

describe("listSyncJobs", () => {
  it("lists the domain's jobs newest first, a page at a time", async () => {
    const { app } = harness();
    const started = [];
    for (let job = 0; job < 3; job++) {
      started.unshift(await expectOk(app.startSyncJob.execute({ domainId: 1 })));
      await app.startSyncJob.whenIdle();
    }
    const ids = started.map((job) => job.id);
    const { pages, cursors } = await allPages(
      (paging) => expectOk(app.listSyncJobs.execute({ domainId: 1, ...paging })),
      2,
    );
    expect(pages.map((page) => page.map((job) => job.id))).toEqual([ids.slice(0, 2), ids.slice(2)]);
    expect(pages[1]?.[0]?.status).toBe("succeeded");
    expect(cursors).toEqual([expect.any(String), null]);
    await putDomain(app, 2, { cms: "drupal" });
    expect((await expectOk(app.listSyncJobs.execute({ domainId: 2 }))).items).toEqual([]);
  });
});

describe("getLink", () => {
  it.each(BAD_IDS)("refuses userId %s", async (id) => {
    const { app } = harness();
    expect(await expectInvalid(app.getLink.execute({ domainId: 1, userId: id }))).toEqual([
      "userId",
    ]);
  });

  it("answers the link, or LinkNotFound", async () => {
    const { app } = harness();
    const linked = await login(app, 1, 5, { email: "A@x.org" });
    expect(await expectOk(app.getLink.execute({ domainId: 1, userId: 5 }))).toEqual(linked.link);
    expect(await expectErr(app.getLink.execute({ domainId: 1, userId: 6 }))).toMatchObject({
      kind: "LinkNotFound",
      domainId: 1,
      userId: 6,
    });
    await login(app, 1, 6, { username: "nomail" });
    expect(await expectErr(app.getLink.execute({ domainId: 1, userId: 6 }))).toMatchObject({
      kind: "LinkNotFound",
    });
  });
});

describe("listLinks", () => {
  async function fiveLinks() {
    const h = harness();
    // Users 7 and 3 share a@x.org (ufName is not unique); user 9 has other casing.
    await login(h.app, 1, 7, { email: "a@x.org" });
    await login(h.app, 1, 3, { email: "a@x.org" });
    await login(h.app, 1, 9, { email: " A@X.ORG " });
    await login(h.app, 1, 1, { email: "b@x.org" });
    await login(h.app, 1, 5, { email: "c@x.org" });
    return h;
  }

  it("lists the domain's links in userId order", async () => {
    const { app } = await fiveLinks();
    const page = await expectOk(app.listLinks.execute({ domainId: 1 }));
    expect(page.items.map((link) => link.userId)).toEqual([1, 3, 5, 7, 9]);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by email, compared by key", async () => {
    const { app } = await fiveLinks();
    const page = await expectOk(app.listLinks.execute({ domainId: 1, email: " a@X.org" }));
    expect(page.items.map((link) => [link.userId, link.ufName])).toEqual([
      [3, "a@x.org"],
      [7, "a@x.org"],
      [9, "A@X.ORG"],
    ]);
  });

  it.each(["", "nope"])("refuses the email filter %j", async (email) => {
    const { app } = harness();
    expect(await expectInvalid(app.listLinks.execute({ domainId: 1, email }))).toEqual(["email"]);
  });

  it.each(BAD_IDS)("refuses the contactId filter %s", async (contactId) => {
    const { app } = harness();
    expect(await expectInvalid(app.listLinks.execute({ domainId: 1, contactId }))).toEqual([
      "contactId",
    ]);
  });

  it("filters by contactId, alone or with the email", async () => {
    const { app } = await fiveLinks();
    const target = await expectOk(app.getLink.execute({ domainId: 1, userId: 9 }));
    const byContact = await expectOk(
      app.listLinks.execute({ domainId: 1, contactId: target.contactId }),
    );
    expect(byContact.items).toEqual([target]);
    const both = await expectOk(
      app.listLinks.execute({ domainId: 1, contactId: target.contactId, email: "b@x.org" }),
    );
    expect(both.items).toEqual([]);
    const none = await expectOk(app.listLinks.execute({ domainId: 1, contactId: 999 }));
    expect(none).toEqual({ items: [], nextCursor: null });
  });

  it("does not show another domain's links", async () => {
    const { app } = await fiveLinks();
    await putDomain(app, 2, { cms: "drupal" });
    expect(await expectOk(app.listLinks.execute({ domainId: 2 }))).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it.each([1, 2, 4, 5])("pages with limit %i to the end", async (limit) => {
    const { app } = await fiveLinks();
    const { pages, cursors } = await allPages(
      (paging) => expectOk(app.listLinks.execute({ domainId: 1, ...paging })),
      limit,
    );
    expect(pages.flat().map((link) => link.userId)).toEqual([1, 3, 5, 7, 9]);
    expect(pages.every((page) => page.length <= limit)).toBe(true);
    expect(pages.at(-1)?.length).toBeGreaterThan(0);
    expect(cursors.at(-1)).toBeNull();
    expect(cursors.slice(0, -1).every((cursor) => typeof cursor === "string")).toBe(true);
    expect(pages).toHaveLength(Math.ceil(5 / limit));
  });

  it("pages a filtered listing", async () => {
    const { app } = await fiveLinks();
    const { pages } = await allPages(
      (paging) => expectOk(app.listLinks.execute({ domainId: 1, email: "a@x.org", ...paging })),
      2,
    );
    expect(pages.map((page) => page.map((link) => link.userId))).toEqual([[3, 7], [9]]);
  });

  it("gives 100 links by default", async () => {
    const { app } = harness();
    for (let userId = 1; userId <= 101; userId++) {
      await login(app, 1, userId, { email: `u${userId}@x.org` });
    }
    const first = await expectOk(app.listLinks.execute({ domainId: 1 }));
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).not.toBeNull();
    const rest = await expectOk(
      app.listLinks.execute({ domainId: 1, cursor: first.nextCursor ?? "" }),
    );
    expect(rest.items.map((link) => link.userId)).toEqual([101]);
    expect(rest.nextCursor).toBeNull();
  });
});

describe("listAudit", () => {
  async function journal() {
    const h = harness();
    const five = await login(h.app, 1, 5, { email: "a@x.org" });
    const six = await login(h.app, 1, 6, { email: "b@x.org" });
    await expectOk(h.app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    await login(h.app, 1, 7, { email: "a@x.org" });
    return { ...h, five, six };
  }

  it("lists every entry oldest first", async () => {
    const { app } = await journal();
    const page = await expectOk(app.listAudit.execute({ domainId: 1 }));
    expect(page.items.map((entry) => [entry.userId, entry.action])).toEqual([
      [5, "created-contact"],
      [6, "created-contact"],
      [5, "unlinked"],
      [7, "linked-existing"],
    ]);
    const times = page.items.map((entry) => entry.at.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("filters by userId, contactId or both", async () => {
    const { app, five, six } = await journal();
    const byUser = await expectOk(app.listAudit.execute({ domainId: 1, userId: 5 }));
    expect(byUser.items.map((entry) => entry.action)).toEqual(["created-contact", "unlinked"]);
    const byContact = await expectOk(
      app.listAudit.execute({ domainId: 1, contactId: five.contactId ?? 0 }),
    );
    expect(byContact.items.map((entry) => entry.userId)).toEqual([5, 5, 7]);
    const both = await expectOk(
      app.listAudit.execute({ domainId: 1, userId: 7, contactId: six.contactId ?? 0 }),
    );
    expect(both.items).toEqual([]);
  });

  it.each(BAD_IDS)("refuses filters userId and contactId %s", async (id) => {
    const { app } = harness();
    expect(
      await expectInvalid(app.listAudit.execute({ domainId: 1, userId: id, contactId: id })),
    ).toEqual(["userId", "contactId"]);
  });

  it("pages to the end, filtered or not", async () => {
    const { app } = await journal();
    const all = await allPages(
      (paging) => expectOk(app.listAudit.execute({ domainId: 1, ...paging })),
      3,
    );
    expect(all.pages.map((page) => page.length)).toEqual([3, 1]);
    expect(all.cursors.at(-1)).toBeNull();
    const filtered = await allPages(
      (paging) => expectOk(app.listAudit.execute({ domainId: 1, userId: 5, ...paging })),
      1,
    );
    expect(filtered.pages.flat().map((entry) => entry.action)).toEqual([
      "created-contact",
      "unlinked",
    ]);
  });

  it("keeps each domain's entries apart", async () => {
    const { app } = await journal();
    await putDomain(app, 2, { cms: "drupal" });
    await login(app, 2, 5, { email: "a@x.org" });
    const two = await expectOk(app.listAudit.execute({ domainId: 2 }));
    expect(two.items.map((entry) => [entry.domainId, entry.userId])).toEqual([[2, 5]]);
    expect((await expectOk(app.listAudit.execute({ domainId: 1 }))).items).toHaveLength(4);
  });
});

describe("listOutbox", () => {
  /** Three user.email-changed events for user 5 of domain 1, one for domain 2. */
  async function events() {
    const h = harness();
    await putDomain(h.app, 2, { cms: "drupal" });
    const linked = await login(h.app, 1, 5, { email: "a@x.org" });
    const contactId = linked.contactId ?? 0;
    for (const email of ["b@x.org", "c@x.org"]) {
      await expectOk(h.app.syncContactEmail.execute({ contactId, email }));
    }
    await login(h.app, 2, 8, { email: "d@x.org" });
    await expectOk(h.app.updateContact.execute({ contactId, primaryEmail: "e@x.org" }));
    return h;
  }

  it("lists the domain's events oldest first", async () => {
    const { app } = await events();
    const page = await expectOk(app.listOutbox.execute({ domainId: 1 }));
    expect(page.items.map((event) => event.email)).toEqual(["b@x.org", "c@x.org", "e@x.org"]);
    expect(page.items.every((event) => event.type === "user.email-changed")).toBe(true);
    expect(new Set(page.items.map((event) => event.id)).size).toBe(3);
    expect(page.nextCursor).toBeNull();
    expect((await expectOk(app.listOutbox.execute({ domainId: 2 }))).items).toEqual([]);
  });

  it("a cursor gives the events after it; the last page's nextCursor is null", async () => {
    const { app } = await events();
    const first = await expectOk(app.listOutbox.execute({ domainId: 1, limit: 1 }));
    expect(first.items.map((event) => event.email)).toEqual(["b@x.org"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await expectOk(
      app.listOutbox.execute({ domainId: 1, limit: 1, cursor: first.nextCursor ?? "" }),
    );
    expect(second.items.map((event) => event.email)).toEqual(["c@x.org"]);
    const rest = await expectOk(
      app.listOutbox.execute({ domainId: 1, cursor: second.nextCursor ?? "" }),
    );
    expect(rest.items.map((event) => event.email)).toEqual(["e@x.org"]);
    expect(rest.nextCursor).toBeNull();
  });

  it("an event's id used as cursor gives the events after that event", async () => {
    const { app } = await events();
    const all = (await expectOk(app.listOutbox.execute({ domainId: 1 }))).items;
    const afterFirst = await expectOk(
      app.listOutbox.execute({ domainId: 1, cursor: all[0]?.id ?? "" }),
    );
    expect(afterFirst.items).toEqual(all.slice(1));
    const afterLast = await expectOk(
      app.listOutbox.execute({ domainId: 1, cursor: all.at(-1)?.id ?? "" }),
    );
    expect(afterLast).toEqual({ items: [], nextCursor: null });
  });

  it("a consumer polling with the last id sees only new events", async () => {
    const { app } = await events();
    const seen = (await expectOk(app.listOutbox.execute({ domainId: 1 }))).items;
    const lastId = seen.at(-1)?.id ?? "";
    const contactId = (await expectOk(app.getLink.execute({ domainId: 1, userId: 5 }))).contactId;
    await expectOk(app.syncContactEmail.execute({ contactId, email: "f@x.org" }));
    const fresh = await expectOk(app.listOutbox.execute({ domainId: 1, cursor: lastId }));
    expect(fresh.items.map((event) => event.email)).toEqual(["f@x.org"]);
  });
});

describe("listUsers with linked, listOutbox with userId, countDomainUsers", () => {
  it.each(["yes", 1, null])("listUsers refuses linked %j", async (linked) => {
    const { app, calls } = harness();
    const input = { domainId: 1, linked: linked as unknown as boolean };
    expect(await expectInvalid(app.listUsers.execute(input))).toEqual(["linked"]);
    expect(calls).toEqual([]);
  });

  it.each(BAD_IDS)("listOutbox refuses userId %s", async (userId) => {
    const { app, calls } = harness();
    expect(await expectInvalid(app.listOutbox.execute({ domainId: 1, userId }))).toEqual([
      "userId",
    ]);
    expect(calls).toEqual([]);
  });

  it("listUsers keeps the linked users or the others; countDomainUsers counts both", async () => {
    const { app } = harness();
    await login(app, 1, 3, { email: "a@x.org" });
    await login(app, 1, 4, { username: "no email" });
    await login(app, 1, 5, { email: "b@x.org" });
    const ids = async (linked: boolean) =>
      (await expectOk(app.listUsers.execute({ domainId: 1, linked }))).items.map((u) => u.userId);
    expect(await ids(true)).toEqual([3, 5]);
    expect(await ids(false)).toEqual([4]);
    expect(await expectOk(app.countDomainUsers.execute({ domainId: 1 }))).toEqual({
      users: 3,
      linkedUsers: 2,
      notLinkedUsers: 1,
      links: 2,
    });
  });
});

describe("listUsers", () => {
  it("lists the directory in userId order with contactId or null", async () => {
    const { app } = harness();
    const nine = await login(app, 1, 9, { email: "a@x.org", firstName: "Ada" });
    await login(app, 1, 2, { username: "nomail" });
    const page = await expectOk(app.listUsers.execute({ domainId: 1 }));
    expect(page).toEqual({
      items: [
        { domainId: 1, userId: 2, username: "nomail", contactId: null },
        {
          domainId: 1,
          userId: 9,
          email: "a@x.org",
          firstName: "Ada",
          contactId: nine.contactId,
        },
      ],
      nextCursor: null,
    });
  });

  it("pages the directory to the end", async () => {
    const { app } = harness();
    for (const userId of [8, 3, 5, 1, 13, 21, 2]) await login(app, 1, userId, {});
    const { pages, cursors } = await allPages(
      (paging) => expectOk(app.listUsers.execute({ domainId: 1, ...paging })),
      3,
    );
    expect(pages.map((page) => page.map((user) => user.userId))).toEqual([
      [1, 2, 3],
      [5, 8, 13],
      [21],
    ]);
    expect(cursors.map((cursor) => typeof cursor)).toEqual(["string", "string", "object"]);
    expect(cursors.at(-1)).toBeNull();
  });

  it("keeps each domain's directory apart", async () => {
    const { app } = harness();
    await putDomain(app, 2, { cms: "joomla" });
    await login(app, 2, 5, { email: "a@x.org" });
    expect((await expectOk(app.listUsers.execute({ domainId: 1 }))).items).toEqual([]);
    expect((await expectOk(app.listUsers.execute({ domainId: 2 }))).items).toEqual([
      { domainId: 2, userId: 5, email: "a@x.org", contactId: null },
    ]);
  });
});
