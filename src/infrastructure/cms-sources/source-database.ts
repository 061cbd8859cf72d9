import knex, { type Knex } from "knex";
import type { SourceDialect } from "./user-tables.js";

/** A CMS database as a URL names it; the password is kept for connecting, never shown. */
export interface SourceDatabase {
  dialect: SourceDialect;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Query parameters such as `sslmode` or PostgreSQL's `options`, passed on to the driver. */
  url: string;
}

/** The URL read, or why it is not one civilink can read from. */
export function sourceDatabaseOf(url: string): SourceDatabase | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "the source is not a URL (mysql://user:password@host:3306/database or postgres://…)";
  }
  const dialect =
    parsed.protocol === "mysql:"
      ? "mysql"
      : parsed.protocol === "postgres:" || parsed.protocol === "postgresql:"
        ? "postgres"
        : null;
  if (!dialect)
    return `the source must be a mysql:// or postgres:// URL, not ${parsed.protocol}//…`;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database) return "the source URL names no database (…/database at its end)";
  return {
    dialect,
    host: parsed.hostname || "localhost",
    port: Number(parsed.port) || (dialect === "mysql" ? 3306 : 5432),
    database,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    url,
  };
}

/** Where the database is, for messages: never the password. */
export const describeDatabase = (source: SourceDatabase) =>
  `${source.dialect === "mysql" ? "MySQL" : "PostgreSQL"} at ${source.host}:${source.port} (database ${source.database})`;

const CONNECT_TIMEOUT_MS = 10_000;

/** One connection to the CMS's database, which the read holds from start to end. */
export function connectSource(source: SourceDatabase): Knex {
  const quiet = { warn() {}, error() {}, deprecate() {}, debug() {} };
  if (source.dialect === "mysql") {
    return knex({
      client: "mysql2",
      connection: {
        host: source.host,
        port: source.port,
        user: source.user,
        password: source.password,
        database: source.database,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Ids of bigint unsigned columns come as text: beyond 2^53 a number would lose digits.
        supportBigNumbers: true,
        bigNumberStrings: true,
        charset: "utf8mb4",
      },
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
      compileSqlOnError: false,
      log: quiet,
    });
  }
  return knex({
    client: "pg",
    connection: {
      connectionString: source.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: "civilink-import",
    },
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
    compileSqlOnError: false,
    log: quiet,
  });
}
