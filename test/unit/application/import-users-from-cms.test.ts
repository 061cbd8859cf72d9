import { ok } from "neverthrow";
import { describe, expect, it } from "vitest";
import { type CmsSourceSpec, createCivilink, type SourceRow } from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import { StaticCmsUserSources, sourceUsers } from "../../support/static-cms-sources.js";
import { auditOf, linksOf, login, putDomain, usersOf } from "../../support/use-case-calls.js";
import { expectInvalid, steppingClock } from "./helpers.js";

const WORDPRESS: CmsSourceSpec = { cms: "wordpress", url: "mysql://root@127.0.0.1:3306/shop" };

function civilinkOn(rows: readonly SourceRow[], options = {}) {
  const sources = new StaticCmsUserSources(rows, options);
  const app = createCivilink({
    store: "memory",
    clock: steppingClock(),
    cms: "wordpress",
    cmsUserSources: sources,
  });
  return { app, sources };
}

const importFrom = (app: ReturnType<typeof civilinkOn>["app"], prune = false) =>
  app.importUsersFromCms.execute({ domainId: 1, source: WORDPRESS, prune });

describe("importUsersFromCms", () => {
  it("loads every user of the CMS into the directory, replacing each whole, and closes the source", async () => {
    const { app, sources } = civilinkOn(
      sourceUsers([
        [1, { email: "admin@x.org", username: "admin" }],
        [2, { email: "Ada@x.org", username: "ada", firstName: "Ada", lastName: "Lovelace" }],
      ]),
    );
    await login(app, 1, 2, { email: "old@x.org", name: "kept by events, replaced here" });
    const result = await expectOk(importFrom(app));
    expect(result).toMatchObject({
      imported: 1,
      updated: 1,
      rejected: [],
      rejectedCount: 0,
      read: 2,
      missing: 0,
      pruned: 0,
      source: "wordpress users in a test source",
    });
    expect((await usersOf(app)).map(({ contactId: _, ...user }) => user)).toEqual([
      { domainId: 1, userId: 1, email: "admin@x.org", username: "admin" },
      {
        domainId: 1,
        userId: 2,
        email: "Ada@x.org",
        username: "ada",
        firstName: "Ada",
        lastName: "Lovelace",
      },
    ]);
    expect(sources.opened).toEqual([WORDPRESS]);
    expect(sources.closed).toBe(1);
  });

  it("reports a row that is not a valid user with its row number and keeps the others", async () => {
    const { app } = civilinkOn([
      { line: 1, userId: 1, user: { userId: 1, email: "a@x.org" } },
      { line: 2, userId: null, error: "wp_users.ID 0: the id must be a positive integer." },
      { line: 3, userId: 3, error: "wp_users.ID 3: email must be at most 1000 characters." },
      { line: 4, userId: 4, user: { userId: 4, email: "d@x.org" } },
    ]);
    const result = await expectOk(importFrom(app));
    expect(result.rejected).toEqual([
      { line: 2, error: "wp_users.ID 0: the id must be a positive integer." },
      { line: 3, error: "wp_users.ID 3: email must be at most 1000 characters." },
    ]);
    expect(result).toMatchObject({ imported: 2, read: 4 });
    expect((await usersOf(app)).map((user) => user.userId)).toEqual([1, 4]);
  });

  it("counts the directory's users the CMS no longer has, over many windows, without removing them", async () => {
    const present = Array.from({ length: 2_600 }, (_, index) => index + 1).filter(
      (userId) => userId !== 5 && userId !== 1_500,
    );
    const { app } = civilinkOn(sourceUsers(present.map((userId) => [userId, {}])));
    for (const userId of [5, 1_500, 9_000])
      await login(app, 1, userId, { email: `${userId}@x.org` });
    await login(app, 1, 7, { email: "7@x.org" });
    const result = await expectOk(importFrom(app));
    expect(result.missing).toBe(3);
    expect(result.pruned).toBe(0);
    expect((await linksOf(app)).map((link) => link.userId)).toEqual([5, 7, 1_500, 9_000]);
  });

  it("a rejected row of a user the CMS has does not make that user missing", async () => {
    const { app } = civilinkOn([
      { line: 1, userId: 1, user: { userId: 1 } },
      { line: 2, userId: 2, error: "wp_users.ID 2: firstName must be at most 1000 characters." },
    ]);
    await login(app, 1, 2, { email: "b@x.org" });
    expect((await expectOk(importFrom(app))).missing).toBe(0);
  });

  it("with prune, handles each user the CMS no longer has as a user deletion (§8)", async () => {
    const { app } = civilinkOn(sourceUsers([[1, { email: "a@x.org" }]]));
    await putDomain(app, 2, { cms: "drupal" });
    await login(app, 1, 8, { email: "h@x.org" });
    await login(app, 2, 8, { email: "h@x.org" });
    await app.importUsers.execute({
      domainId: 1,
      rows: (async function* () {
        yield { line: 1, user: { userId: 9 } };
      })(),
    });
    const result = await expectOk(importFrom(app, true));
    expect(result).toMatchObject({ missing: 2, pruned: 2, unlinked: 1 });
    expect((await usersOf(app)).map((user) => user.userId)).toEqual([1]);
    expect(await linksOf(app)).toEqual([]);
    expect((await linksOf(app, 2)).map((link) => link.userId)).toEqual([8]);
    expect((await auditOf(app)).at(-1)).toMatchObject({
      userId: 8,
      action: "unlinked",
      trigger: "user-deletion",
    });
  });

  it("a source that goes away part-way answers SourceUnavailable, keeps the batches written and prunes nothing", async () => {
    const rows = sourceUsers(
      Array.from({ length: 2_500 }, (_, index) => [index + 1, { email: `${index + 1}@x.org` }]),
    );
    const { app, sources } = civilinkOn(rows, { goneAfter: 2_100 });
    await login(app, 1, 10_000, { email: "last@x.org" });
    const error = await expectErr(importFrom(app, true));
    expect(error).toEqual({
      kind: "SourceUnavailable",
      message: "the test source went away part-way",
    });
    // Every row read before the source went away was written; user 10,000 was not pruned.
    const kept = await expectOk(
      app.store.read(async (stores) =>
        ok({ count: await stores.users.count(1), last: await stores.users.get(1, 10_000) }),
      ),
    );
    expect(kept.count).toBe(2_100 + 1);
    expect(kept.last).not.toBeNull();
    expect(sources.closed).toBe(1);
  });

  it("answers the source's own error when it cannot be opened", async () => {
    const { app } = civilinkOn([], {
      openError: { kind: "SourceInvalid", message: "no table wp_users in database shop" },
    });
    expect(await expectErr(importFrom(app))).toEqual({
      kind: "SourceInvalid",
      message: "no table wp_users in database shop",
    });
  });

  it.each([
    [{ ...WORDPRESS, cms: "typo3" }, "source.cms"],
    [{ ...WORDPRESS, url: "https://example.org/db" }, "source.url"],
    [{ ...WORDPRESS, prefix: "wp_; drop table" }, "source.prefix"],
    [{ ...WORDPRESS, cms: "joomla", site: 2 }, "source.site"],
    [{ ...WORDPRESS, site: 0 }, "source.site"],
    [{ ...WORDPRESS, url: "mysql://root@127.0.0.1/\u0000" }, "source.url"],
  ])("refuses the source %o (%s) before opening it", async (source, path) => {
    const { app, sources } = civilinkOn([]);
    const paths = await expectInvalid(
      app.importUsersFromCms.execute({ domainId: 1, source: source as CmsSourceSpec }),
    );
    expect(paths).toEqual([path]);
    expect(sources.opened).toEqual([]);
  });

  it("is DomainNotFound for a domain that does not exist, before opening the source", async () => {
    const { app, sources } = civilinkOn([]);
    const error = await expectErr(
      app.importUsersFromCms.execute({ domainId: 7, source: WORDPRESS }),
    );
    expect(error.kind).toBe("DomainNotFound");
    expect(sources.opened).toEqual([]);
  });
});

describe("synchronizeUsersFromCms", () => {
  const users = sourceUsers([
    [1, { email: "a@x.org", firstName: "Ada" }],
    [2, { email: "b@x.org" }],
    [3, { username: "nomail" }],
  ]);

  it("imports the CMS's users, then links every user of the directory", async () => {
    const { app } = civilinkOn(users);
    const result = await expectOk(
      app.synchronizeUsersFromCms.execute({ domainId: 1, source: WORDPRESS }),
    );
    expect(result.dryRun).toBe(false);
    expect(result.import).toMatchObject({ imported: 3, read: 3 });
    expect(result.sync.message).toBe(
      "Checked 3 user records. Found 0 matching contact records. Created 2 new contact records. Skipped 1 user without a valid email.",
    );
    expect((await linksOf(app)).map((link) => link.userId)).toEqual([1, 2]);
  });

  it("a dry run writes nothing and reports what the real run then does", async () => {
    const { app } = civilinkOn(users);
    await login(app, 1, 9, { email: "gone@x.org" });
    const before = { users: await usersOf(app), links: await linksOf(app) };
    const dry = await expectOk(
      app.synchronizeUsersFromCms.execute({
        domainId: 1,
        source: WORDPRESS,
        prune: true,
        dryRun: true,
      }),
    );
    expect(dry.dryRun).toBe(true);
    expect(dry.sync.dryRun).toBe(true);
    expect({ users: await usersOf(app), links: await linksOf(app) }).toEqual(before);
    const real = await expectOk(
      app.synchronizeUsersFromCms.execute({ domainId: 1, source: WORDPRESS, prune: true }),
    );
    expect(real.import).toEqual(dry.import);
    expect(real.sync.report).toEqual(dry.sync.report);
    expect(real.sync.message).toBe(dry.sync.message);
    expect(dry.import).toMatchObject({ missing: 1, pruned: 1, unlinked: 1 });
  });
});
