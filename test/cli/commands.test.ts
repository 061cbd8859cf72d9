import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

// Every spawn starts tsx (and for PGlite a WASM PostgreSQL), so the flows below chain several
// steps on one data directory, and the three groups run concurrently.
const TIMEOUT = 120_000;

const root = mkdtempSync(join(tmpdir(), "civilink-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dataDir = (name: string) => {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
};

const usersCsv = join(root, "users.csv");
writeFileSync(
  usersCsv,
  [
    "userId,email,username,firstName,lastName,name",
    "1,ada@example.org,ada,Ada,Lovelace,",
    "2,grace@example.org,grace,Grace,Hopper,",
    "3,not-an-email,bob,Bob,,",
    "x,bad@example.org,,,,",
    "",
  ].join("\n"),
);
const usersNdjson = join(root, "users.ndjson");
writeFileSync(
  usersNdjson,
  [
    '{"userId":4,"email":"ada@example.org"}',
    '{"userId":2,"email":"grace@example.org","firstName":"Gracie"}',
    '{"userId":5}',
    "not json",
    "",
  ].join("\n"),
);

const memory = { CIVILINK_STORE: "memory" };
const unreachable = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" };

const oneLine = (stderr: string) => expect(stderr.trimEnd().split("\n")).toHaveLength(1);

describe.concurrent("civilink commands", () => {
  it(
    "import-users, sync --dry-run and sync on one embedded store",
    async () => {
      const env = { CIVILINK_DATA_DIR: dataDir("flow") };

      const csv = await runCli(["import-users", usersCsv], env);
      expect(csv.code).toBe(0);
      expect(csv.stdout).toBe(
        "Imported 3 new users, updated 0, rejected 1 lines.\n" +
          "  line 5: userId must be a positive integer.\n",
      );
      expect(csv.stderr).toContain("Importing: 5 lines read (100%)");

      const ndjson = await runCli(["import-users", usersNdjson, "--json"], env);
      expect(ndjson.code).toBe(0);
      expect(JSON.parse(ndjson.stdout)).toEqual({
        imported: 2,
        updated: 1,
        rejected: [{ line: 4, error: expect.stringContaining("not valid JSON") }],
        rejectedCount: 1,
      });

      // Users 1 and 4 share an address; 3 and 5 have no valid email.
      const dryRun = await runCli(["sync", "--dry-run"], env);
      expect(dryRun).toMatchObject({
        code: 0,
        stdout:
          "Dry run: nothing was written.\n" +
          "Checked 5 user records.\n" +
          "Found 0 matching contact records.\n" +
          "Created 3 new contact records.\n" +
          "Skipped 2 users without a valid email.\n",
      });
      expect(dryRun.stderr).toContain("Dry run: 5 of 5");

      // The dry run wrote nothing: the real run still creates the three contacts.
      const sync = await runCli(["sync", "--json"], env);
      expect(sync.code).toBe(0);
      expect(JSON.parse(sync.stdout)).toEqual({
        domainId: 1,
        dryRun: false,
        report: { checked: 5, alreadyLinked: 0, matched: 0, created: 3, skipped: 2, failed: 0 },
        failures: [],
        message:
          "Checked 5 user records. Found 0 matching contact records. " +
          "Created 3 new contact records. Skipped 2 users without a valid email.",
      });
    },
    TIMEOUT,
  );

  it(
    "domains set: a new domain needs --cms; a change keeps the other settings",
    async () => {
      const env = { CIVILINK_DATA_DIR: dataDir("domains") };

      const missingCms = await runCli(["domains", "set", "2"], env);
      expect(missingCms).toMatchObject({
        code: 2,
        stdout: "",
        stderr: "civilink: a new domain needs --cms\n",
      });

      const created = await runCli(
        ["domains", "set", "2", "--cms", "joomla", "--name", "Site"],
        env,
      );
      expect(created).toMatchObject({
        code: 0,
        stdout: "Domain 2 (Site): joomla, email sync on\n",
      });

      const changed = await runCli(["domains", "set", "2", "--no-sync-cms-email", "--json"], env);
      expect(changed.code).toBe(0);
      expect(JSON.parse(changed.stdout)).toEqual({
        id: 2,
        name: "Site",
        cms: "joomla",
        syncCmsEmail: false,
        dedupeRule: { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 },
      });
    },
    TIMEOUT,
  );

  it(
    "link prints the outcome line or JSON, and skips an invalid email",
    async () => {
      const [text, json, invalid] = await Promise.all([
        runCli(["link", "9", "--email", "x@example.org", "--trigger", "registration"], memory),
        runCli(["link", "9", "--email", "x@example.org", "--json"], memory),
        runCli(["link", "10", "--email", "not-an-email", "--json"], memory),
      ]);
      expect(text).toMatchObject({ code: 0, stderr: "" });
      expect(text.stdout).toMatch(/^created-contact: user 9 of domain 1, contact \d+\n$/);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        outcome: "created-contact",
        link: { domainId: 1, userId: 9, ufName: "x@example.org" },
        contactId: expect.any(Number),
      });
      expect(invalid.code).toBe(0);
      expect(JSON.parse(invalid.stdout)).toEqual({
        outcome: "skipped",
        reason: "invalid-email",
        link: null,
        contactId: null,
      });
    },
    TIMEOUT,
  );

  it(
    "exits 2 for bad arguments and input",
    async () => {
      const missing = join(root, "missing.csv");
      const runs = await Promise.all([
        runCli(["import-users", missing], memory),
        runCli(["import-users", usersCsv, "--format", "xml"], memory),
        runCli(["import-users", usersCsv, "--domain", "7"], memory),
        runCli(["link", "0", "--email", "a@example.org"], memory),
        runCli(["link", "3", "--email", "a@example.org", "--trigger", "bogus"], memory),
        runCli(["link", "3", "--email", " "], memory),
        runCli(["sync", "--bogus"], memory),
      ]);
      for (const run of runs) expect(run).toMatchObject({ code: 2, stdout: "" });
      const [unreadable, unknownFormat, noDomain, badUserId, badTrigger, emptyEmail, badOption] =
        runs;

      expect(unreadable?.stderr).toMatch(/^civilink: cannot read .*missing\.csv: ENOENT/);
      oneLine(unreadable?.stderr ?? "");
      expect(unknownFormat?.stderr).toContain("argument 'xml' is invalid");
      expect(noDomain?.stderr).toBe("civilink: Domain 7 does not exist.\n");
      expect(badUserId?.stderr).toContain("must be a positive integer");
      expect(badTrigger?.stderr).toContain("argument 'bogus' is invalid");
      expect(emptyEmail?.stderr).toBe("civilink: --email must not be empty\n");
      expect(badOption?.stderr).toContain("unknown option '--bogus'");
    },
    TIMEOUT,
  );

  it(
    "refuses ids above the range of their kind before it opens the store",
    async () => {
      const env = { CIVILINK_DATA_DIR: dataDir("ids-refused") };
      const domainTooLarge = [
        ["domains", "set", "2147483648", "--cms", "joomla"],
        ["sync", "--domain", "2147483648"],
        ["import-users", usersCsv, "--domain", "2147483648"],
        ["link", "1", "--email", "a@example.org", "--domain", "2147483648"],
      ];
      const refused = await Promise.all([
        ...domainTooLarge.map((args) => runCli(args, env)),
        runCli(["link", "9007199254740992", "--email", "a@example.org"], env),
      ]);
      for (const [index, run] of refused.entries()) {
        expect(run, `run ${index}`).toMatchObject({ code: 2, stdout: "" });
        const [message, hint] = run.stderr.trimEnd().split("\n");
        const max = index < domainTooLarge.length ? "2147483647" : "9007199254740991";
        expect(message).toMatch(new RegExp(`^error: .*must be at most ${max}$`));
        expect(hint).toBe("(run civilink --help for usage)");
      }
    },
    TIMEOUT,
  );

  it.each([
    ["memory", () => memory],
    ["embedded", () => ({ CIVILINK_DATA_DIR: dataDir("ids-largest") })],
  ])(
    "takes the largest domain and user ids on the %s store",
    async (_store, envOf) => {
      const env = envOf();
      const domain = await runCli(["domains", "set", "2147483647", "--cms", "joomla"], env);
      const link = await runCli(["link", "9007199254740991", "--email", "max@example.org"], env);
      expect(domain).toMatchObject({
        code: 0,
        stdout: "Domain 2147483647 (Domain 2147483647): joomla, email sync on\n",
      });
      expect(link.code, link.stderr).toBe(0);
      expect(link.stdout).toMatch(
        /^created-contact: user 9007199254740991 of domain 1, contact \d+\n$/,
      );
    },
    TIMEOUT,
  );

  it(
    "exits 3 with one line when the store is unavailable, 0 for --help",
    async () => {
      const [sync, help] = await Promise.all([
        runCli(["sync"], unreachable),
        runCli(["--help"], memory),
      ]);
      expect(sync).toMatchObject({
        code: 3,
        stdout: "",
        stderr:
          "civilink: cannot open the store: PostgreSQL at 127.0.0.1:1 (database none) is unavailable: connect ECONNREFUSED 127.0.0.1:1\n",
      });
      expect(help.code).toBe(0);
      for (const command of ["serve", "migrate", "import-users", "sync", "link", "domains"]) {
        expect(help.stdout).toContain(command);
      }
    },
    TIMEOUT,
  );

  // Exit 1 (some users failed): sync-failures.test.ts, on PostgreSQL refusing one user's link.
});
