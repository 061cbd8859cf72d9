/**
 * Reading a CMS's users straight from its own tables, as each CMS creates them
 * (./cms-fixtures), on MariaDB and, for Drupal, on PostgreSQL: names from WordPress usermeta,
 * Drupal's anonymous uid 0 and its translation rows, blocked users both ways, multisite
 * sites, users the CMS no longer has (--prune), one snapshot for the whole read, the minimal
 * grant, and the errors: a wrong prefix, an unreachable database, a row that is no valid user.
 */
import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Civilink,
  type CmsSourceSpec,
  type CmsUser,
  createCivilink,
} from "../../src/index.js";
import { SqlCmsUserSources } from "../../src/infrastructure/cms-sources/sql-cms-user-sources.js";
import { runCli } from "../cli/support/run-cli.js";
import { ScratchMysqlDatabase, shouldRunMariadb } from "../support/mariadb.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import {
  backdrop,
  drupal,
  drupal7,
  joomla,
  type SqlStatement,
  wordpress,
} from "./cms-fixtures/index.js";

const withMariadb = await shouldRunMariadb();
const withPostgres = await shouldRun(postgresTestStore);

const databases: ScratchMysqlDatabase[] = [];
afterAll(async () => {
  await Promise.allSettled(databases.map((database) => database.drop()));
});

async function mysqlSite(statements: readonly (string | SqlStatement)[]) {
  const database = new ScratchMysqlDatabase();
  databases.push(database);
  await database.run(statements);
  return database;
}

function civilink(cms: "wordpress" | "drupal" | "joomla" | "backdrop" = "drupal"): Civilink {
  return createCivilink({ store: "memory", cms });
}

/** The domain's directory, without the link column. */
async function directory(app: Civilink): Promise<Omit<CmsUser, "domainId">[]> {
  const page = await app.listUsers.execute({ domainId: 1, limit: 1000 });
  if (page.isErr()) throw new Error(JSON.stringify(page.error));
  return page.value.items.map(({ domainId: _, contactId: __, ...user }) => user);
}

async function importOk(app: Civilink, source: CmsSourceSpec, prune = false) {
  const result = await app.importUsersFromCms.execute({ domainId: 1, source, prune });
  if (result.isErr()) throw new Error(JSON.stringify(result.error));
  return result.value;
}

async function importError(app: Civilink, source: CmsSourceSpec) {
  const result = await app.importUsersFromCms.execute({ domainId: 1, source });
  if (result.isOk()) throw new Error("expected the import to fail");
  return result.error;
}

const ids = async (app: Civilink) => (await directory(app)).map((user) => user.userId);

describe.runIf(withMariadb)("CMS user tables on MariaDB", () => {
  describe("WordPress", () => {
    const site = () =>
      mysqlSite([
        ...wordpress.mysqlTables("wp_"),
        ...wordpress.wordpressUser("wp_", { id: 1, login: "admin", email: "admin@x.org" }),
        ...wordpress.wordpressUser("wp_", {
          id: 2,
          login: "ada",
          email: "Ada@Example.org",
          firstName: "Ada",
          lastName: "Lovelace",
        }),
        // A second first_name row: WordPress reads the first one (get_user_meta, single), so
        // does civilink; and an empty first one is an absent field, whatever follows.
        "insert into wp_usermeta (user_id, meta_key, meta_value) values (2, 'first_name', 'Augusta')",
        "insert into wp_usermeta (user_id, meta_key, meta_value) values (1, 'first_name', 'Later')",
        ...wordpress.wordpressUser("wp_", { id: 3, login: "grace", email: "", lastName: "Hopper" }),
      ]);

    it("reads users with their usermeta names; empty meta values are absent fields", async () => {
      const database = await site();
      const app = civilink("wordpress");
      const result = await importOk(app, { cms: "wordpress", url: database.url });
      expect(result).toMatchObject({ imported: 3, updated: 0, rejectedCount: 0, read: 3 });
      expect(result.source).toBe(
        `WordPress users (wp_users) in MySQL at 127.0.0.1:3306 (database ${database.name})`,
      );
      expect(await directory(app)).toEqual([
        { userId: 1, email: "admin@x.org", username: "admin" },
        {
          userId: 2,
          email: "Ada@Example.org",
          username: "ada",
          firstName: "Ada",
          lastName: "Lovelace",
        },
        { userId: 3, username: "grace", lastName: "Hopper" },
      ]);
    });

    it("syncs from the database in one command, with the import counts and the summary", async () => {
      const database = await site();
      const env = { CIVILINK_STORE: "memory", CIVILINK_CMS: "wordpress" };
      const run = await runCli(
        ["sync", "--from", "wordpress", "--source", database.url.replace("root@", "root:@")],
        env,
      );
      expect(run.stderr).not.toContain("civilink:");
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          `Read 3 rows: WordPress users (wp_users) in MySQL at 127.0.0.1:3306 (database ${database.name}).`,
          "Imported 3 new users, updated 0, rejected 0 rows.",
          "Checked 3 user records.",
          "Found 0 matching contact records.",
          "Created 2 new contact records.",
          "Skipped 1 user without a valid email.",
          "",
        ].join("\n"),
      );
      const json = await runCli(
        ["sync", "--from", "wordpress", "--source", database.url, "--dry-run", "--json"],
        env,
      );
      expect(JSON.parse(json.stdout)).toMatchObject({
        import: { imported: 3, read: 3 },
        dryRun: true,
        report: { checked: 3, created: 2, skipped: 1 },
      });
    });

    it("takes the prefix: a wrong one is refused with one line naming the table (exit 2)", async () => {
      const database = await mysqlSite([
        ...wordpress.mysqlTables("shop_"),
        ...wordpress.wordpressUser("shop_", { id: 1, login: "a", email: "a@x.org" }),
      ]);
      const app = civilink("wordpress");
      expect(await importError(app, { cms: "wordpress", url: database.url })).toEqual({
        kind: "SourceInvalid",
        message: `no table wp_users in database ${database.name}; is the prefix right? (--prefix) (found shop_users: --prefix shop_?)`,
      });
      expect(
        (await importOk(app, { cms: "wordpress", url: database.url, prefix: "shop_" })).imported,
      ).toBe(1);
      const cli = await runCli(["import-users", "--from", "wordpress", "--source", database.url], {
        CIVILINK_STORE: "memory",
      });
      expect(cli.code).toBe(2);
      expect(cli.stderr).toBe(
        `civilink: no table wp_users in database ${database.name}; is the prefix right? (--prefix) (found shop_users: --prefix shop_?)\n`,
      );
    });

    it("multisite: --site N takes the users of site N only; --skip-blocked leaves out spam and deleted users", async () => {
      const database = await mysqlSite([
        ...wordpress.mysqlTables("wp_", { multisite: true }),
        "create table wp_blogs (blog_id bigint(20) not null auto_increment, domain varchar(200) not null default '', path varchar(100) not null default '', primary key (blog_id))",
        "insert into wp_blogs (blog_id, domain, path) values (1, 'x.org', '/'), (2, 'x.org', '/two/')",
        ...wordpress.wordpressUser("wp_", {
          id: 1,
          login: "root",
          email: "root@x.org",
          extraMeta: { wp_capabilities: "a:0:{}", wp_2_capabilities: "a:0:{}" },
        }),
        ...wordpress.wordpressUser("wp_", {
          id: 2,
          login: "one",
          email: "one@x.org",
          extraMeta: { wp_capabilities: "a:0:{}" },
        }),
        ...wordpress.wordpressUser("wp_", {
          id: 3,
          login: "two",
          email: "two@x.org",
          spam: true,
          extraMeta: { wp_2_capabilities: "a:0:{}" },
        }),
      ]);
      const source = { cms: "wordpress" as const, url: database.url };
      const siteTwo = civilink("wordpress");
      await importOk(siteTwo, { ...source, site: 2 });
      expect(await ids(siteTwo)).toEqual([1, 3]);
      const siteOne = civilink("wordpress");
      await importOk(siteOne, { ...source, site: 1 });
      expect(await ids(siteOne)).toEqual([1, 2]);
      const unblocked = civilink("wordpress");
      await importOk(unblocked, { ...source, site: 2, skipBlocked: true });
      expect(await ids(unblocked)).toEqual([1]);
      const network = civilink("wordpress");
      await importOk(network, source);
      expect(await ids(network)).toEqual([1, 2, 3]);
      expect(await importError(civilink("wordpress"), { ...source, site: 3 })).toEqual({
        kind: "SourceInvalid",
        message: "no site 3 in wp_blogs (--site)",
      });
    });

    it("reports the users the CMS no longer has, and with --prune handles each as a deletion", async () => {
      const database = await site();
      const app = civilink("wordpress");
      const gone = await app.linkOnLogin.execute({
        domainId: 1,
        userId: 99,
        profile: { email: "gone@x.org" },
      });
      expect(gone.isOk()).toBe(true);
      const kept = await importOk(app, { cms: "wordpress", url: database.url });
      expect(kept).toMatchObject({ missing: 1, pruned: 0 });
      expect(await ids(app)).toEqual([1, 2, 3, 99]);

      const env = { CIVILINK_STORE: "memory" };
      const report = await runCli(
        ["import-users", "--from", "wordpress", "--source", database.url],
        env,
      );
      expect(report.stdout).not.toContain("no longer");
      const pruned = await importOk(app, { cms: "wordpress", url: database.url }, true);
      expect(pruned).toMatchObject({ missing: 1, pruned: 1, unlinked: 1 });
      expect(await ids(app)).toEqual([1, 2, 3]);
      const link = await app.getLink.execute({ domainId: 1, userId: 99 });
      expect(link.isErr() && link.error.kind).toBe("LinkNotFound");
    });

    it("reads one snapshot: users added while it reads are not in it", async () => {
      const database = await site();
      const opened = await new SqlCmsUserSources().open({ cms: "wordpress", url: database.url });
      if (opened.isErr()) throw new Error(JSON.stringify(opened.error));
      const source = opened.value;
      try {
        expect(await source.count()).toBe(3);
        await database.run(
          wordpress.wordpressUser("wp_", { id: 4, login: "late", email: "l@x.org" }),
        );
        const read: number[] = [];
        for await (const page of source.pages()) {
          for (const row of page) if (row.userId !== null) read.push(row.userId);
        }
        expect(read).toEqual([1, 2, 3]);
        expect(await source.count()).toBe(3);
      } finally {
        await source.close();
      }
    });

    it("needs only SELECT on its two tables", async () => {
      const database = await site();
      const user = `ro_${randomBytes(3).toString("hex")}`;
      await database.admin_(`create user '${user}'@'127.0.0.1' identified by 'Ro-pass-1'`);
      try {
        for (const table of ["wp_users", "wp_usermeta"]) {
          await database.admin_(
            `grant select on ${database.name}.${table} to '${user}'@'127.0.0.1'`,
          );
        }
        const url = database.url.replace("root@", `${user}:Ro-pass-1@`);
        expect((await importOk(civilink("wordpress"), { cms: "wordpress", url })).imported).toBe(3);
      } finally {
        await database.admin_(`drop user '${user}'@'127.0.0.1'`);
      }
    });

    it("a row that is no valid user is rejected with its row and id; the others are kept", async () => {
      const database = await mysqlSite([
        ...wordpress.mysqlTables("wp_"),
        ...wordpress.wordpressUser("wp_", { id: 1, login: "ok", email: "ok@x.org" }),
        ...wordpress.wordpressUser("wp_", { id: 2, login: "nul\u0000login", email: "n@x.org" }),
        ...wordpress.wordpressUser("wp_", { id: 3, login: "fine", email: "f@x.org" }),
        // An id beyond what civilink's user ids hold exactly (2^53 - 1).
        ...wordpress.wordpressUser("wp_", {
          id: 2 ** 53,
          login: "huge",
          email: "h@x.org",
        }),
      ]);
      const app = civilink("wordpress");
      const result = await importOk(app, { cms: "wordpress", url: database.url });
      expect(result.rejected).toEqual([
        { line: 2, error: "wp_users.ID 2: username must not contain U+0000 (the NUL character)." },
        {
          line: 4,
          error: "wp_users.ID 9007199254740992: the id must be at most 9007199254740991.",
        },
      ]);
      expect(await ids(app)).toEqual([1, 3]);
    });
  });

  describe("Drupal 7", () => {
    const site = () =>
      mysqlSite([
        ...drupal7.mysqlTables(""),
        ...drupal7.drupal7AnonymousUser(""),
        ...drupal7.drupal7User("", { uid: 1, name: "admin", mail: "admin@x.org", status: 1 }),
        ...drupal7.drupal7User("", { uid: 2, name: "blocked", mail: "b@x.org", status: 0 }),
        ...drupal7.drupal7User("", { uid: 3, name: "nomail", mail: null, status: 1 }),
      ]);

    it("reads every user but the anonymous uid 0, blocked ones too unless --skip-blocked", async () => {
      const database = await site();
      const app = civilink();
      expect(await importOk(app, { cms: "drupal7", url: database.url })).toMatchObject({ read: 3 });
      expect(await directory(app)).toEqual([
        { userId: 1, email: "admin@x.org", username: "admin" },
        { userId: 2, email: "b@x.org", username: "blocked" },
        { userId: 3, username: "nomail" },
      ]);
      const unblocked = civilink();
      await importOk(unblocked, { cms: "drupal7", url: database.url, skipBlocked: true });
      expect(await ids(unblocked)).toEqual([1, 3]);
    });

    it("points a Drupal 8 database read as Drupal 7 at --from", async () => {
      const database = await mysqlSite(drupal.mysqlTables(""));
      expect(await importError(civilink(), { cms: "drupal7", url: database.url })).toEqual({
        kind: "SourceInvalid",
        message:
          "the table users has no column mail, name, status: is this a Drupal 7 site? (--from)",
      });
    });
  });

  describe("Drupal 8 and later", () => {
    it("reads the default-language row of each user once, never uid 0; blocked both ways", async () => {
      const database = await mysqlSite([
        ...drupal.mysqlTables(""),
        ...drupal.drupalAnonymousUser(""),
        ...drupal.drupalUser("", { uid: 1, name: "admin", mail: "admin@x.org", status: 1 }),
        ...drupal.drupalUser("", {
          uid: 2,
          name: "marie",
          mail: "m@x.org",
          status: 1,
          langcode: "fr",
        }),
        ...drupal.drupalUser("", {
          uid: 2,
          name: "marie",
          mail: "m@x.org",
          status: 1,
          langcode: "en",
          defaultLangcode: false,
        }),
        ...drupal.drupalUser("", { uid: 3, name: "blocked", mail: "b@x.org", status: 0 }),
      ]);
      const app = civilink();
      const result = await importOk(app, { cms: "drupal", url: database.url });
      expect(result).toMatchObject({ read: 3, imported: 3 });
      expect(await directory(app)).toEqual([
        { userId: 1, email: "admin@x.org", username: "admin" },
        { userId: 2, email: "m@x.org", username: "marie" },
        { userId: 3, email: "b@x.org", username: "blocked" },
      ]);
      const unblocked = civilink();
      await importOk(unblocked, { cms: "drupal", url: database.url, skipBlocked: true });
      expect(await ids(unblocked)).toEqual([1, 2]);
    });
  });

  describe("Backdrop", () => {
    it("reads every user but uid 0, blocked ones unless --skip-blocked", async () => {
      const database = await mysqlSite([
        ...backdrop.mysqlTables(""),
        ...backdrop.backdropAnonymousUser(""),
        ...backdrop.backdropUser("", { uid: 1, name: "admin", mail: "admin@x.org", status: 1 }),
        ...backdrop.backdropUser("", { uid: 2, name: "blocked", mail: "b@x.org", status: 0 }),
      ]);
      const app = civilink("backdrop");
      await importOk(app, { cms: "backdrop", url: database.url });
      expect(await ids(app)).toEqual([1, 2]);
      const unblocked = civilink("backdrop");
      await importOk(unblocked, { cms: "backdrop", url: database.url, skipBlocked: true });
      expect(await ids(unblocked)).toEqual([1]);
    });
  });

  describe("Joomla", () => {
    const site = () =>
      mysqlSite([
        ...joomla.mysqlTables("jos_"),
        ...joomla.joomlaUser("jos_", {
          id: 42,
          name: "Lovelace, Ada King",
          username: "ada",
          email: "ada@x.org",
          block: 0,
        }),
        ...joomla.joomlaUser("jos_", {
          id: 43,
          name: "Grace Hopper",
          username: "grace",
          email: "grace@x.org",
          block: 1,
        }),
        ...joomla.joomlaUser("jos_", {
          id: -5,
          name: "Nobody",
          username: "neg",
          email: "n@x.org",
          block: 0,
        }),
      ]);

    it("reads name as Joomla's one name field, which a sync on a Joomla domain parses", async () => {
      const database = await site();
      const app = civilink("joomla");
      const result = await importOk(app, { cms: "joomla", url: database.url, prefix: "jos_" });
      expect(result.rejected).toEqual([
        { line: 1, error: "jos_users.id -5: the id must be a positive integer." },
      ]);
      expect(await directory(app)).toEqual([
        { userId: 42, email: "ada@x.org", username: "ada", name: "Lovelace, Ada King" },
        { userId: 43, email: "grace@x.org", username: "grace", name: "Grace Hopper" },
      ]);
      const synced = await app.synchronizeAllUsers.execute({ domainId: 1 });
      expect(synced.isOk()).toBe(true);
      const link = await app.getLink.execute({ domainId: 1, userId: 42 });
      const contact = await app.getContact.execute({
        contactId: link.isOk() ? link.value.contactId : 0,
      });
      expect(contact.isOk() && contact.value).toMatchObject({
        firstName: "Ada",
        lastName: "Lovelace",
      });
      const unblocked = civilink("joomla");
      await importOk(unblocked, {
        cms: "joomla",
        url: database.url,
        prefix: "jos_",
        skipBlocked: true,
      });
      expect(await ids(unblocked)).toEqual([42]);
    });

    it("has a prefix: without it the message names the tables found", async () => {
      const database = await site();
      expect(await importError(civilink("joomla"), { cms: "joomla", url: database.url })).toEqual({
        kind: "SourceInvalid",
        message: `no table users in database ${database.name}; is the prefix right? (--prefix) (found jos_users: --prefix jos_?)`,
      });
    });
  });

  it("an unreachable database exits 3 naming host and port, never the password", async () => {
    const run = await runCli(
      ["import-users", "--from", "wordpress", "--source", "mysql://root:Secret-9@127.0.0.1:1/shop"],
      { CIVILINK_STORE: "memory" },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      "civilink: cannot read from MySQL at 127.0.0.1:1 (database shop): connect ECONNREFUSED 127.0.0.1:1\n",
    );
    expect(run.stderr).not.toContain("Secret-9");
  });

  it("an unknown CMS exits 2", async () => {
    const run = await runCli(["sync", "--from", "typo3", "--source", "mysql://root@127.0.0.1/x"], {
      CIVILINK_STORE: "memory",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'typo3' is invalid");
  });
});

describe.runIf(withPostgres)("Drupal user tables on PostgreSQL", () => {
  const schemas: string[] = [];
  const admin: Knex = knex({
    client: "pg",
    connection: TEST_DATABASE_URL,
    pool: { min: 0, max: 1 },
  });

  afterAll(async () => {
    for (const schema of schemas) await admin.raw("drop schema if exists ?? cascade", [schema]);
    await admin.destroy();
  });

  /** A schema of its own with the statements run in it, and the URL that reads it. */
  async function pgSite(statements: readonly (string | SqlStatement)[]) {
    const schema = `cms_${process.pid}_${randomBytes(4).toString("hex")}`;
    schemas.push(schema);
    await admin.raw("create schema ??", [schema]);
    await admin.transaction(async (trx) => {
      await trx.raw("set local search_path to ??", [schema]);
      for (const statement of statements) {
        if (typeof statement === "string") await trx.raw(statement);
        else await trx.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
      }
    });
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    return url.toString();
  }

  it("Drupal 7: every user but uid 0, blocked both ways", async () => {
    const url = await pgSite([
      ...drupal7.postgresTables(""),
      ...drupal7.drupal7AnonymousUser(""),
      ...drupal7.drupal7User("", { uid: 1, name: "admin", mail: "admin@x.org", status: 1 }),
      ...drupal7.drupal7User("", { uid: 2, name: "blocked", mail: "b@x.org", status: 0 }),
    ]);
    const app = civilink();
    const result = await importOk(app, { cms: "drupal7", url });
    expect(result.source).toMatch(/^Drupal 7 users \(users\) in PostgreSQL at /);
    expect(await directory(app)).toEqual([
      { userId: 1, email: "admin@x.org", username: "admin" },
      { userId: 2, email: "b@x.org", username: "blocked" },
    ]);
    const unblocked = civilink();
    await importOk(unblocked, { cms: "drupal7", url, skipBlocked: true });
    expect(await ids(unblocked)).toEqual([1]);
  });

  it("Drupal 8+: translation rows count once, never uid 0; a wrong prefix is refused", async () => {
    const url = await pgSite([
      ...drupal.postgresTables("site2_"),
      ...drupal.drupalAnonymousUser("site2_"),
      ...drupal.drupalUser("site2_", { uid: 1, name: "admin", mail: "admin@x.org", status: 1 }),
      ...drupal.drupalUser("site2_", {
        uid: 1,
        name: "admin",
        mail: "admin@x.org",
        status: 1,
        langcode: "de",
        defaultLangcode: false,
      }),
      ...drupal.drupalUser("site2_", { uid: 2, name: "b", mail: "b@x.org", status: 0 }),
    ]);
    const app = civilink();
    expect(await importOk(app, { cms: "drupal", url, prefix: "site2_" })).toMatchObject({
      read: 2,
    });
    expect(await ids(app)).toEqual([1, 2]);
    const refused = await importError(civilink(), { cms: "drupal", url });
    expect(refused).toMatchObject({ kind: "SourceInvalid" });
    expect(refused.message).toContain(
      "no table users_field_data in database test; is the prefix right?",
    );
  });

  it("WordPress is refused on PostgreSQL: it keeps its users in MySQL", async () => {
    const url = await pgSite([]);
    expect(await importError(civilink(), { cms: "wordpress", url })).toEqual({
      kind: "SourceInvalid",
      message: "WordPress keeps its users in MySQL or MariaDB: give a mysql:// URL",
    });
  });
});
