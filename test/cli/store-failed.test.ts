import { randomBytes } from "node:crypto";
import knex from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { runCli } from "./support/run-cli.js";

const TIMEOUT = 120_000;
const schema = `cli_${randomBytes(4).toString("hex")}`;
const admin = knex({ client: "pg", connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
afterAll(async () => {
  await admin.raw("drop schema if exists ?? cascade", [schema]);
  await admin.destroy();
});

/** The CLI on PostgreSQL, its tables in the test's own schema. */
const url = new URL(TEST_DATABASE_URL);
url.searchParams.set("options", `-c search_path=${schema}`);
const env = { DATABASE_URL: url.toString() };

/** The database refuses to insert these domains, as a rule added by its administrator would. */
const refuseDomains = (condition: string) =>
  admin.raw(`
    create or replace function ${schema}.refuse_domains() returns trigger language plpgsql as $$
    begin
      if ${condition} then raise exception 'domain % is refused', new.id; end if;
      return new;
    end $$;
    create or replace trigger refuse_domains before insert on ${schema}.domains
      for each row execute function ${schema}.refuse_domains();`);

describe.runIf(await shouldRun(postgresTestStore))("civilink on a store that fails", () => {
  it(
    "exits 4, not 3, with one line saying what the store said",
    async () => {
      await admin.raw("create schema ??", [schema]);
      expect((await runCli(["migrate"], env)).code).toBe(0);

      await refuseDomains("new.id = 2");
      const refused = await runCli(["domains", "set", "2", "--cms", "joomla"], env);
      expect(refused, refused.stderr).toMatchObject({ code: 4, stdout: "" });
      expect(refused.stderr).toMatch(
        /^civilink: the store failed: .*domain 2 is refused \(P0001\)\n$/,
      );
      const other = await runCli(["domains", "set", "3", "--cms", "joomla"], env);
      expect(other, other.stderr).toMatchObject({ code: 0, stderr: "" });

      // Opening the store seeds domain 1: refused, the store cannot be opened.
      await refuseDomains("true");
      const unopened = await runCli(["sync"], env);
      expect(unopened, unopened.stderr).toMatchObject({ code: 4, stdout: "" });
      expect(unopened.stderr).toMatch(
        /^civilink: cannot open the store: the store failed: .*domain 1 is refused \(P0001\)\n$/,
      );
    },
    TIMEOUT,
  );
});
