/** One statement, to be run as `knex.raw(sql, bindings)`. */
export type SqlStatement = { sql: string; bindings: unknown[] };

/**
 * An INSERT of one row. Columns whose value is undefined are left out, so the table default
 * applies. Identifiers stay unquoted: the same text runs on MariaDB, MySQL and PostgreSQL.
 */
export function insert(table: string, row: Record<string, unknown>): SqlStatement {
  const entries = Object.entries(row).filter(([, value]) => value !== undefined);
  const columns = entries.map(([column]) => column).join(", ");
  const placeholders = entries.map(() => "?").join(", ");
  return {
    sql: `insert into ${table} (${columns}) values (${placeholders})`,
    bindings: entries.map(([, value]) => value),
  };
}

/** A fixed timestamp for columns the importer does not read: 2024-01-01 00:00:00 UTC. */
export const FIXTURE_TIME = 1704067200;
