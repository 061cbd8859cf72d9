import type { Knex } from "knex";

interface PgConnection {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<{
    rows: unknown[];
  }>;
}

/** knex's client, with what it offers every dialect but types loosely. */
interface KnexClient {
  config: { client?: unknown };
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
  emit(event: "query", query: { method: string; sql: string; bindings: readonly unknown[] }): void;
}

/**
 * A statement PostgreSQL parses and plans once per connection instead of at every call: on
 * node-postgres, run as a named prepared statement on a connection of knex's pool (in a
 * transaction, the transaction's own); elsewhere (PGlite) through `knex.raw`. `text` takes its
 * values as `?`, like `knex.raw`; `name` must belong to this text alone. Like every statement
 * knex runs, it is announced as a `query` event of the knex instance.
 */
export function preparedStatement(name: string, text: string) {
  let index = 0;
  const numbered = text.replace(/\?/g, () => `$${++index}`);
  return async <Row>(db: Knex, values: readonly unknown[]): Promise<Row[]> => {
    const client = db.client as KnexClient;
    if (client.config.client !== "pg") {
      const { rows } = (await db.raw(text, values as Knex.RawBinding[])) as { rows: Row[] };
      return rows;
    }
    const connection = await client.acquireConnection();
    try {
      client.emit("query", { method: "raw", sql: numbered, bindings: values });
      const { rows } = await connection.query({ name, text: numbered, values });
      return rows as Row[];
    } finally {
      await client.releaseConnection(connection);
    }
  };
}
