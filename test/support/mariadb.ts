import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";

/** MariaDB (or MySQL) for the tests that read a CMS's own tables. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

let check: Promise<string | null> | null = null;

/** Null when MariaDB answers at TEST_MYSQL_URL; else why not. */
export function mariadbUnavailable(): Promise<string | null> {
  check ??= (async () => {
    const probe = knex({
      client: "mysql2",
      connection: { uri: `${TEST_MYSQL_URL}/`, connectTimeout: 3000 },
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 3000,
    });
    try {
      await probe.raw("select 1");
      return null;
    } catch (cause) {
      return `MariaDB at ${TEST_MYSQL_URL} does not answer: ${(cause as Error).message}`;
    } finally {
      await probe.destroy();
    }
  })();
  return check;
}

/** Whether to run the MariaDB tests: they may skip with a printed reason, never under CI. */
export async function shouldRunMariadb(): Promise<boolean> {
  const reason = await mariadbUnavailable();
  if (reason === null) return true;
  if (process.env.CI) throw new Error(`CI is set, so the MariaDB tests must run: ${reason}`);
  console.warn(`Skipping the MariaDB tests: ${reason}`);
  return false;
}

/** A database of its own on the test server, dropped by `drop()`. */
export class ScratchMysqlDatabase {
  readonly name = `cms_${process.pid}_${randomBytes(4).toString("hex")}`;
  readonly url = `${TEST_MYSQL_URL}/${this.name}`;
  private admin: Knex = knex({
    client: "mysql2",
    connection: { uri: `${TEST_MYSQL_URL}/` },
    pool: { min: 0, max: 1 },
  });
  private connection: Knex | null = null;

  /** The database, created on first use. */
  async sql(): Promise<Knex> {
    if (!this.connection) {
      await this.admin.raw(`create database ${this.name} character set utf8mb4`);
      this.connection = knex({
        client: "mysql2",
        connection: { uri: this.url, charset: "utf8mb4" },
        pool: { min: 0, max: 2 },
      });
    }
    return this.connection;
  }

  /** Runs statements (`{sql, bindings}`, or plain text) one after the other. */
  async run(statements: readonly (string | { sql: string; bindings: unknown[] })[]) {
    const sql = await this.sql();
    for (const statement of statements) {
      if (typeof statement === "string") await sql.raw(statement);
      else await sql.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
    }
  }

  /** Runs a statement as the server's administrator (users and grants). */
  admin_(statement: string, bindings: Knex.RawBinding[] = []) {
    return this.admin.raw(statement, bindings);
  }

  async drop(): Promise<void> {
    await this.connection?.destroy();
    await this.admin.raw(`drop database if exists ${this.name}`);
    await this.admin.destroy();
  }
}
