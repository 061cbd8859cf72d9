import type { Knex } from "knex";
import { ResultAsync } from "neverthrow";
import type {
  CmsSourceSpec,
  CmsUserSource,
  CmsUserSources,
  SourceError,
} from "../../application/index.js";
import {
  connectSource,
  describeDatabase,
  type SourceDatabase,
  sourceDatabaseOf,
} from "./source-database.js";
import { type OpenedSnapshot, SqlCmsUserSource } from "./sql-cms-user-source.js";
import { USER_TABLES, type UserTable } from "./user-tables.js";

/** A reason to stop before reading, as the error kind it is. */
class SourceProblem extends Error {
  constructor(
    readonly kind: SourceError["kind"],
    message: string,
  ) {
    super(message);
  }
}

/** Server answers that mean the URL names what is not there, or someone not let in. */
const REFUSED = new Set(["ER_BAD_DB_ERROR", "ER_ACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR"]);
const REFUSED_PG = new Set(["3D000", "28000", "28P01"]);

/**
 * Opens a CMS's user tables for reading, through knex with the mysql2 or pg client: one
 * connection, one read-only REPEATABLE READ transaction for the whole read (so the users read
 * are those of one moment, whatever the site does meanwhile), after checking that the tables
 * and columns the CMS keeps its users in are there. Only SELECT is ever run.
 */
export class SqlCmsUserSources implements CmsUserSources {
  open(spec: CmsSourceSpec): ResultAsync<CmsUserSource, SourceError> {
    return ResultAsync.fromPromise(
      openSnapshot(spec).then((snapshot) => new SqlCmsUserSource(snapshot)),
      (cause) =>
        cause instanceof SourceProblem
          ? { kind: cause.kind, message: cause.message }
          : { kind: "SourceUnavailable", message: String((cause as Error).message ?? cause) },
    );
  }
}

async function openSnapshot(spec: CmsSourceSpec): Promise<OpenedSnapshot> {
  const definition = USER_TABLES[spec.cms];
  const database = sourceDatabaseOf(spec.url);
  if (typeof database === "string") throw new SourceProblem("SourceInvalid", database);
  if (!definition.dialects.includes(database.dialect)) {
    throw new SourceProblem(
      "SourceInvalid",
      `${definition.label} keeps its users in MySQL or MariaDB: give a mysql:// URL`,
    );
  }
  const where = describeDatabase(database);
  const db = connectSource(database);
  let connection: unknown;
  try {
    connection = await db.client.acquireConnection();
  } catch (cause) {
    await db.destroy();
    throw connectionProblem(where, cause);
  }
  const end = async () => {
    await db
      .raw("rollback")
      .connection(connection)
      .catch(() => undefined);
    await db.client.releaseConnection(connection);
    await db.destroy();
  };
  try {
    await beginSnapshot(db, connection, database);
    const prefix = spec.prefix ?? definition.defaultPrefix;
    const tables = await tablesOf(db, connection, database);
    await checkTables(definition, prefix, tables, database);
    await checkColumns(db, connection, database, definition, prefix);
    if (spec.site !== undefined && spec.site !== 1) {
      await checkSite(db, connection, prefix, spec.site, tables, database);
    }
    const hasSpamColumns =
      spec.cms === "wordpress" &&
      (await columnsOf(db, connection, database, `${prefix}${definition.table}`)).has("spam");
    return {
      db,
      connection,
      database,
      spec,
      definition,
      prefix,
      hasSpamColumns,
      description: `${definition.label} users (${prefix}${definition.table}) in ${where}`,
      end,
    };
  } catch (cause) {
    await end();
    if (cause instanceof SourceProblem) throw cause;
    throw connectionProblem(where, cause);
  }
}

async function beginSnapshot(db: Knex, connection: unknown, database: SourceDatabase) {
  if (database.dialect === "mysql") {
    await db.raw("set session transaction isolation level repeatable read").connection(connection);
    await db.raw("start transaction with consistent snapshot, read only").connection(connection);
  } else {
    await db.raw("begin isolation level repeatable read read only").connection(connection);
  }
}

/** The tables of the database (MySQL) or of the schemas on the search path (PostgreSQL). */
const tablesOf = (db: Knex, connection: unknown, database: SourceDatabase) =>
  namesFrom(db, connection, database, "tables");

/** The columns of one of those tables. */
const columnsOf = (db: Knex, connection: unknown, database: SourceDatabase, table: string) =>
  namesFrom(db, connection, database, "columns", table);

/** Names from information_schema: of the tables, or of one table's columns. */
async function namesFrom(
  db: Knex,
  connection: unknown,
  database: SourceDatabase,
  of: "tables" | "columns",
  table?: string,
): Promise<Set<string>> {
  const schema =
    database.dialect === "mysql"
      ? "table_schema = database()"
      : "table_schema = any (current_schemas(false))";
  const name = of === "tables" ? "table_name" : "column_name";
  const rows = (await db
    .raw(
      `select ${name} as name from information_schema.${of} where ${schema}${table === undefined ? "" : " and table_name = ?"}`,
      table === undefined ? [] : [table],
    )
    .connection(connection)) as unknown;
  const list = (
    database.dialect === "mysql"
      ? (rows as [{ name: string }[]])[0]
      : (rows as { rows: { name: string }[] }).rows
  ) as { name: string }[];
  return new Set(list.map((row) => row.name));
}

async function checkTables(
  definition: UserTable,
  prefix: string,
  tables: ReadonlySet<string>,
  database: SourceDatabase,
) {
  for (const table of [definition.table, ...(definition.alsoNeeds ?? [])]) {
    const name = `${prefix}${table}`;
    if (tables.has(name)) continue;
    const lookalikes = [...tables].filter((other) => other.endsWith(table) && other !== name);
    const hint =
      lookalikes.length > 0
        ? ` (found ${lookalikes.slice(0, 3).join(", ")}: --prefix ${lookalikes[0]?.slice(0, -table.length) || "''"}?)`
        : "";
    throw new SourceProblem(
      "SourceInvalid",
      `no table ${name} in database ${database.database}; is the prefix right? (--prefix)${hint}`,
    );
  }
}

async function checkColumns(
  db: Knex,
  connection: unknown,
  database: SourceDatabase,
  definition: UserTable,
  prefix: string,
) {
  const table = `${prefix}${definition.table}`;
  const columns = await columnsOf(db, connection, database, table);
  const wanted = [
    definition.id,
    definition.email,
    definition.username,
    ...(definition.name ? [definition.name] : []),
    ...(definition.notUsers ?? []).map((rule) => rule.column),
    ...(definition.blocked ? [definition.blocked.column] : []),
  ];
  const missing = wanted.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new SourceProblem(
      "SourceInvalid",
      `the table ${table} has no column ${missing.join(", ")}: is this a ${definition.label} site? (--from)`,
    );
  }
}

async function checkSite(
  db: Knex,
  connection: unknown,
  prefix: string,
  site: number,
  tables: ReadonlySet<string>,
  database: SourceDatabase,
) {
  const blogs = `${prefix}blogs`;
  if (!tables.has(blogs)) {
    throw new SourceProblem(
      "SourceInvalid",
      `no table ${blogs} in database ${database.database}: not a multisite network, so there is no site ${site} (--site)`,
    );
  }
  const found = await db(blogs).connection(connection).where("blog_id", site).first("blog_id");
  if (!found) {
    throw new SourceProblem("SourceInvalid", `no site ${site} in ${blogs} (--site)`);
  }
}

/** Why connecting failed: a URL naming what is not there is bad input, anything else unreachable. */
function connectionProblem(where: string, cause: unknown): SourceProblem {
  const code = String((cause as { code?: unknown }).code ?? "");
  const message = (cause as Error).message ?? String(cause);
  if (REFUSED.has(code) || REFUSED_PG.has(code)) {
    return new SourceProblem("SourceInvalid", `${where} refused the connection: ${message}`);
  }
  return new SourceProblem("SourceUnavailable", `cannot read from ${where}: ${message}`);
}
