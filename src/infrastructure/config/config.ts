import { err, ok, type Result } from "neverthrow";
import { z } from "zod";
import { CMS_KINDS, type CmsKind } from "../../domain/index.js";
import type { StoreOptions } from "../container/composition-root.js";

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
  CIVILINK_API_KEYS: z.string().optional(),
  CIVILINK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(60_000),
  CIVILINK_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(100),
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
  logLevel: string;
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
          }
        : { store: "pglite", dataDir: `${env.CIVILINK_DATA_DIR}/pglite` };
  return ok({
    store,
    cms: env.CIVILINK_CMS,
    dataDir: env.CIVILINK_DATA_DIR,
    apiKeys: env.CIVILINK_API_KEYS,
    rateLimitPerMinute: env.CIVILINK_RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: env.CIVILINK_AUTH_FAILURES_PER_MINUTE,
    logLevel: env.CIVILINK_LOG_LEVEL,
  });
}
