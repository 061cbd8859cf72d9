import { PGlite } from "@electric-sql/pglite";
import knex, { type Knex } from "knex";
import ClientPGLite from "knex-pglite";

/**
 * How long PostgreSQL connections and statements may take before the store gives up on them
 * (for the statement and query timeouts, 0 means none).
 */
export interface PostgresTimeouts {
  /** A server that does not accept a new connection within this is unavailable. */
  connectMs: number;
  /** The server cancels a statement that runs longer (`statement_timeout`). */
  statementMs: number;
  /**
   * The client gives up on an answer that does not come within this (a half-open connection,
   * a server that stopped answering) and drops the connection from the pool.
   */
  queryMs: number;
  /** The server ends a session left idle inside a transaction for longer. */
  idleInTransactionMs: number;
  /** Idle time before TCP keep-alive probes start on a connection. */
  keepAliveMs: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  connectMs: 5_000,
  statementMs: 15_000,
  queryMs: 20_000,
  idleInTransactionMs: 60_000,
  keepAliveMs: 10_000,
};

export interface PostgresConnection {
  kind: "postgres";
  url: string;
  /** Schema holding the tables (default public); tests use one each. */
  schema?: string;
  poolSize?: number;
  timeouts?: Partial<PostgresTimeouts>;
}

export interface PgliteConnection {
  kind: "pglite";
  /**
   * Directory the database persists in (made private, owned by one process at a time);
   * absent: in memory, gone at close.
   */
  dataDir?: string;
  /** An already open PGlite (e.g. a clone of a migrated template). */
  pglite?: PGlite;
}

export type SqlConnection = PostgresConnection | PgliteConnection;

/**
 * How long a call may wait for a free pooled connection in a burst. A database that is down
 * fails the waiting calls at once (knex propagates the connection error), not after this.
 */
const ACQUIRE_TIMEOUT_MS = 30_000;

/** Knex logs connection failures itself; they reach callers as StoreUnavailable values instead. */
const quietLog = { warn() {}, error() {}, deprecate() {}, debug() {} };
const PGLITE_ACQUIRE_TIMEOUT_MS = 120_000;

export const postgresTimeoutsOf = (connection: PostgresConnection): PostgresTimeouts => ({
  ...DEFAULT_POSTGRES_TIMEOUTS,
  ...connection.timeouts,
});

/** The node-postgres settings of every connection civilink makes to the server. */
export function postgresClientConfig(connection: PostgresConnection) {
  const timeouts = postgresTimeoutsOf(connection);
  return {
    connectionString: connection.url,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    ...(timeouts.queryMs > 0 ? { query_timeout: timeouts.queryMs } : {}),
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeouts.keepAliveMs,
    application_name: "civilink",
  };
}

export function connect(connection: SqlConnection): Knex {
  if (connection.kind === "postgres") {
    return knex({
      client: "pg",
      connection: postgresClientConfig(connection),
      pool: { min: 0, max: connection.poolSize ?? 10, afterCreate: droppedAfterReadTimeout },
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      log: quietLog,
      // An error names its statement with placeholders, never the values (emails, names).
      compileSqlOnError: false,
      ...(connection.schema ? { searchPath: [connection.schema] } : {}),
    });
  }
  const pglite = connection.pglite ?? openPglite(connection.dataDir);
  return knex({
    client: ClientPGLite as unknown as typeof knex.Client,
    connection: { pglite } as unknown as Knex.StaticConnectionConfig,
    // One connection for everything: a long transaction (a dry run) makes others queue.
    acquireConnectionTimeout: PGLITE_ACQUIRE_TIMEOUT_MS,
    log: quietLog,
    compileSqlOnError: false,
  });
}

/** A PGlite in memory, or in `dataDir`, which the caller made and owns (embedded-store-owner.ts). */
function openPglite(dataDir: string | undefined): PGlite {
  return dataDir === undefined ? new PGlite() : new PGlite(dataDir);
}

/** The part of a node-postgres client this module touches. */
interface PgClient {
  query: (...args: unknown[]) => unknown;
  connection: { stream: { destroy(): void } };
}

export const isReadTimeout = (cause: unknown) =>
  cause instanceof Error && cause.message === "Query read timeout";

/**
 * node-postgres answers a query that outlived `query_timeout` with an error but keeps the
 * connection, whose next queries would wait behind the lost answer forever. The socket is
 * destroyed instead: knex then marks the connection disposed and the pool drops it.
 */
function droppedAfterReadTimeout(
  connection: PgClient,
  done: (error: Error | null, connection: PgClient) => void,
) {
  const query = connection.query.bind(connection);
  const dropOn = (cause: unknown) => {
    if (isReadTimeout(cause)) connection.connection.stream.destroy();
  };
  connection.query = (...args: unknown[]) => {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (cause: unknown, result: unknown) => {
        dropOn(cause);
        last(cause, result);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) {
      return result.catch((cause: unknown) => {
        dropOn(cause);
        throw cause;
      });
    }
    return result;
  };
  done(null, connection);
}

/** How the store is named in what it tells an operator: where it is, never a password. */
export function describeConnection(connection: SqlConnection): string {
  if (connection.kind === "pglite") {
    return connection.dataDir === undefined
      ? "the in-memory PGlite store"
      : `the embedded store in ${connection.dataDir}`;
  }
  try {
    const url = new URL(connection.url);
    const host = url.hostname || url.searchParams.get("host") || "localhost";
    const database = decodeURIComponent(url.pathname.slice(1));
    return `PostgreSQL at ${host}:${url.port || 5432}${database ? ` (database ${database})` : ""}`;
  } catch {
    return "PostgreSQL";
  }
}
