import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import knex from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { runCli } from "./support/run-cli.js";

const TIMEOUT = 120_000;
const schema = `cli_${randomBytes(4).toString("hex")}`;
const admin = knex({ client: "pg", connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
const dir = mkdtempSync(join(tmpdir(), "civilink-cli-failures-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await admin.raw("drop schema if exists ?? cascade", [schema]);
  await admin.destroy();
});

/** The CLI on PostgreSQL, its tables in the test's own schema. */
const url = new URL(TEST_DATABASE_URL);
url.searchParams.set("options", `-c search_path=${schema}`);
const env = { DATABASE_URL: url.toString() };

const usersCsv = join(dir, "users.csv");
writeFileSync(
  usersCsv,
  [
    "userId,email,firstName,lastName",
    "1,ada@example.org,Ada,Lovelace",
    "2,grace@example.org,Grace,Hopper",
    "3,alan@example.org,Alan,Turing",
    "",
  ].join("\n"),
);

describe.runIf(await shouldRun(postgresTestStore))("civilink sync with failing users", () => {
  it(
    "exits 1 when some users failed, after linking the others, and lists the failures",
    async () => {
      await admin.raw("create schema ??", [schema]);
      expect((await runCli(["migrate"], env)).code).toBe(0);
      expect((await runCli(["import-users", usersCsv], env)).code).toBe(0);
      // The database refuses one user's link, as a constraint added by its administrator would.
      await admin.raw(`
        create function ${schema}.refuse_user_2() returns trigger language plpgsql as $$
        begin
          if new.user_id = 2 then raise exception 'user 2 is refused'; end if;
          return new;
        end $$;
        create trigger refuse_user_2 before insert on ${schema}.links
          for each row execute function ${schema}.refuse_user_2();`);

      const sync = await runCli(["sync", "--json"], env);
      expect(sync.code).toBe(1);
      const result = JSON.parse(sync.stdout);
      expect(result.report).toMatchObject({ checked: 3, created: 2, failed: 1 });
      expect(result.failures).toEqual([{ userId: 2, reason: "The store failed." }]);
      const text = await runCli(["sync"], env);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain("Checked 3 user records.");

      const linked = await admin.raw("select user_id from ?? order by user_id", [
        `${schema}.links`,
      ]);
      expect(linked.rows.map((row: { user_id: string }) => Number(row.user_id))).toEqual([1, 3]);
    },
    TIMEOUT,
  );
});
