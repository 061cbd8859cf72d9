import { err, ok, type Result } from "neverthrow";
import { z } from "zod";
import {
  DEFAULT_SYNC_BATCH_SIZE,
  MAX_SYNC_BATCH_SIZE,
} from "../../application/synchronize-all-users/synchronize-all-users.js";
import { CMS_KINDS, type CmsKind } from "../../domain/index.js";
import type { StoreOptions } from "../container/composition-root.js";
import { DEFAULT_POSTGRES_TIMEOUTS } from "../persistence/sql/sql-connection.js";

/** A duration in milliseconds, at least `min` (0: none, where allowed), at most a day. */
const milliseconds = (fallback: number, min = 0) =>
  z.coerce.number().int().min(min).max(86_400_000).default(fallback);

/** What the HTTP server allows a connection, so that slow or idle clients cannot hold it. */
export interface HttpBounds {
  /** Time to receive a request's headers (also the first bytes on a new connection). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, its body included (a streamed import too). */
  requestTimeoutMs: number;
  /** How long a keep-alive connection may stay idle between requests. */
  keepAliveTimeoutMs: number;
  /** Open connections; more are closed as they arrive. */
  maxConnections: number;
  /** Size of a request's headers; larger ones are answered 431. */
  maxHeaderBytes: number;
}

export const DEFAULT_HTTP_BOUNDS: HttpBounds = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
  maxHeaderBytes: 16 * 1024,
};

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment civilink reads; this module is the only reader of `process.env`. */
const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  CIVILINK_STORE: z.enum(["memory", "pglite", "postgres"]).optional(),
  CIVILINK_DATA_DIR: z.string().min(1).default("./.civilink"),
  CIVILINK_CMS: z.enum(CMS_KINDS).default("drupal"),
  CIVILINK_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  CIVILINK_DB_CONNECT_TIMEOUT_MS: milliseconds(DEFAULT_POSTGRES_TIMEOUTS.connectMs, 1),
  CIVILINK_DB_STATEMENT_TIMEOUT_MS: milliseconds(DEFAULT_POSTGRES_TIMEOUTS.statementMs),
  CIVILINK_DB_QUERY_TIMEOUT_MS: milliseconds(DEFAULT_POSTGRES_TIMEOUTS.queryMs),
  CIVILINK_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds(
    DEFAULT_POSTGRES_TIMEOUTS.idleInTransactionMs,
  ),
  CIVILINK_DB_KEEPALIVE_MS: milliseconds(DEFAULT_POSTGRES_TIMEOUTS.keepAliveMs, 1),
  CIVILINK_API_KEYS: z.string().optional(),
  CIVILINK_SYNC_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_SYNC_BATCH_SIZE)
    .default(DEFAULT_SYNC_BATCH_SIZE),
  CIVILINK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(60_000),
  CIVILINK_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(100),
  CIVILINK_HTTP_HEADERS_TIMEOUT_MS: positiveInteger(DEFAULT_HTTP_BOUNDS.headersTimeoutMs),
  CIVILINK_HTTP_REQUEST_TIMEOUT_MS: positiveInteger(DEFAULT_HTTP_BOUNDS.requestTimeoutMs),
  CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInteger(DEFAULT_HTTP_BOUNDS.keepAliveTimeoutMs),
  CIVILINK_HTTP_MAX_CONNECTIONS: positiveInteger(DEFAULT_HTTP_BOUNDS.maxConnections),
  CIVILINK_HTTP_MAX_HEADER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(DEFAULT_HTTP_BOUNDS.maxHeaderBytes),
  CIVILINK_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
});

export interface Config {
  store: StoreOptions;
  /** CMS of domain 1 when it is first created. */
  cms: CmsKind;
  dataDir: string;
  /** `name:secret:scopes,…`; unset: a generated admin key kept in the data directory. */
  apiKeys: string | undefined;
  /** Requests a minute per API key; 0: no limit. */
  rateLimitPerMinute: number;
  /** Requests a minute per client address that may fail authentication; 0: no limit. */
  authFailuresPerMinute: number;
  http: HttpBounds;
  logLevel: string;
  /** Users per sync batch, each one transaction holding their locks (docs/sync-in-the-store.md). */
  syncBatchSize: number;
}

export interface InvalidConfig {
  kind: "InvalidConfig";
  message: string;
}

type Environment = Record<string, string | undefined>;

/**
 * Reads and checks the environment. The store: `CIVILINK_STORE=memory` keeps everything in
 * memory; `DATABASE_URL` selects PostgreSQL; otherwise PGlite persisted in
 * `CIVILINK_DATA_DIR` (default ./.civilink).
 */
export function loadConfig(environment: Environment = process.env): Result<Config, InvalidConfig> {
  const emptyAsUnset = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = environmentSchema.safeParse(emptyAsUnset);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err({
      kind: "InvalidConfig",
      message: `${issue?.path.join(".")}: ${issue?.message}`,
    });
  }
  const env = parsed.data;
  if (env.CIVILINK_HTTP_HEADERS_TIMEOUT_MS > env.CIVILINK_HTTP_REQUEST_TIMEOUT_MS) {
    return err({
      kind: "InvalidConfig",
      message:
        "CIVILINK_HTTP_HEADERS_TIMEOUT_MS: must not be longer than CIVILINK_HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)",
    });
  }
  const kind = env.CIVILINK_STORE ?? (env.DATABASE_URL ? "postgres" : "pglite");
  if (kind === "postgres" && !env.DATABASE_URL) {
    return err({ kind: "InvalidConfig", message: "CIVILINK_STORE=postgres needs DATABASE_URL." });
  }
  const store: StoreOptions =
    kind === "memory"
      ? { store: "memory" }
      : kind === "postgres"
        ? {
            store: "postgres",
            url: env.DATABASE_URL as string,
            poolSize: env.CIVILINK_DB_POOL_SIZE,
            timeouts: {
              connectMs: env.CIVILINK_DB_CONNECT_TIMEOUT_MS,
              statementMs: env.CIVILINK_DB_STATEMENT_TIMEOUT_MS,
              queryMs: env.CIVILINK_DB_QUERY_TIMEOUT_MS,
              idleInTransactionMs: env.CIVILINK_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
              keepAliveMs: env.CIVILINK_DB_KEEPALIVE_MS,
            },
          }
        : { store: "pglite", dataDir: `${env.CIVILINK_DATA_DIR}/pglite` };
  return ok({
    store,
    cms: env.CIVILINK_CMS,
    dataDir: env.CIVILINK_DATA_DIR,
    apiKeys: env.CIVILINK_API_KEYS,
    rateLimitPerMinute: env.CIVILINK_RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: env.CIVILINK_AUTH_FAILURES_PER_MINUTE,
    http: {
      headersTimeoutMs: env.CIVILINK_HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.CIVILINK_HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.CIVILINK_HTTP_MAX_CONNECTIONS,
      maxHeaderBytes: env.CIVILINK_HTTP_MAX_HEADER_BYTES,
    },
    logLevel: env.CIVILINK_LOG_LEVEL,
    syncBatchSize: env.CIVILINK_SYNC_BATCH_SIZE,
  });
}
