import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { runCli } from "./support/run-cli.js";

const withPostgres = await shouldRun(postgresTestStore);
const dataDir = mkdtempSync(join(tmpdir(), "civilink-migrate-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("civilink migrate", () => {
  it("brings the embedded store up to date in CIVILINK_DATA_DIR, twice in a row", async () => {
    for (let run = 0; run < 2; run++) {
      const result = await runCli(["migrate"], { CIVILINK_DATA_DIR: dataDir });
      expect(result).toMatchObject({ code: 0, stdout: "The schema is up to date.\n", stderr: "" });
    }
  });

  it("exits 3 with one line when the database cannot be reached", async () => {
    const result = await runCli(["migrate"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      "civilink: cannot open the store: PostgreSQL at 127.0.0.1:1 (database none) is unavailable: connect ECONNREFUSED 127.0.0.1:1\n",
    );
  });

  it.runIf(withPostgres)(
    "names the database, host and port and what the server said, never the password",
    async () => {
      const url = new URL(TEST_DATABASE_URL);
      const database = `civilink_no_such_db_${process.pid}`;
      url.password = "hunter2";
      url.pathname = `/${database}`;
      const result = await runCli(["migrate"], { DATABASE_URL: url.toString() });
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(
        `civilink: cannot open the store: PostgreSQL at ${url.hostname}:${url.port || 5432} (database ${database}) refused the connection: database "${database}" does not exist\n`,
      );
      expect(result.stderr).not.toContain("hunter2");
    },
  );

  it("exits 2 with one line for an invalid configuration", async () => {
    const result = await runCli(["migrate"], { CIVILINK_STORE: "mysql" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("CIVILINK_STORE");
  });

  it("exits 2 for an unknown command", async () => {
    const result = await runCli(["frobnicate"], { CIVILINK_STORE: "memory" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
