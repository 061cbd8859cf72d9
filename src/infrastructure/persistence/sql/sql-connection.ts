import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import knex, { type Knex } from "knex";
import ClientPGLite from "knex-pglite";

export interface PostgresConnection {
  kind: "postgres";
  url: string;
  /** Schema holding the tables (default public); tests use one each. */
  schema?: string;
  poolSize?: number;
}

export interface PgliteConnection {
  kind: "pglite";
  /** Directory the database persists in; absent: in memory, gone at close. */
  dataDir?: string;
  /** An already open PGlite (e.g. a clone of a migrated template). */
  pglite?: PGlite;
}

export type SqlConnection = PostgresConnection | PgliteConnection;

/** A server that does not answer a new connection within this is unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long a call may wait for a free pooled connection in a burst. A database that is down
 * fails the waiting calls at once (knex propagates the connection error), not after this.
 */
const ACQUIRE_TIMEOUT_MS = 30_000;

/** Knex logs connection failures itself; they reach callers as StoreUnavailable values instead. */
const quietLog = { warn() {}, error() {}, deprecate() {}, debug() {} };
const PGLITE_ACQUIRE_TIMEOUT_MS = 120_000;

export function connect(connection: SqlConnection): Knex {
  if (connection.kind === "postgres") {
    return knex({
      client: "pg",
      connection: {
        connectionString: connection.url,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: "civilink",
      },
      pool: { min: 0, max: connection.poolSize ?? 10 },
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      log: quietLog,
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
  });
}

function openPglite(dataDir: string | undefined): PGlite {
  if (dataDir === undefined) return new PGlite();
  const directory = resolve(dataDir);
  mkdirSync(dirname(directory), { recursive: true });
  return new PGlite(directory);
}
