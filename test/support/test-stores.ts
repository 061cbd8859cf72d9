import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import knex from "knex";
import {
  type Civilink,
  type CivilinkOptions,
  type CmsKind,
  createCivilink,
  defaultDomain,
  MemoryStore,
  SqlStore,
  type StoreRuntime,
} from "../../src/index.js";

/**
 * The stores every contract and scenario suite runs against. Each factory gives a fresh,
 * empty store (domain 1 only) per call.
 */
export interface TestStore {
  name: "memory" | "pglite" | "postgres";
  /** Why the store cannot run here, or null when it can. */
  unavailable: () => Promise<string | null>;
  makeStore: (options?: { cms?: CmsKind }) => Promise<StoreRuntime>;
  makeCivilink: (options?: { cms?: CmsKind }) => Promise<Civilink>;
}

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const domainsFor = (options?: { cms?: CmsKind }) => [defaultDomain(options?.cms ?? "drupal")];

export const memoryTestStore: TestStore = {
  name: "memory",
  unavailable: async () => null,
  makeStore: async (options) => MemoryStore.create({ domains: domainsFor(options) }),
  makeCivilink: async (options) => createCivilink({ store: "memory", ...options }),
};

let pgliteTemplate: Promise<Blob> | null = null;

/**
 * The data directory of a migrated, empty PGlite, dumped once: starting and migrating one takes
 * seconds, starting a copy less (`clone()` would dump its template again for every copy).
 */
function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const template = new PGlite();
    const store = SqlStore.open({ connection: { kind: "pglite", pglite: template } });
    await store.migrate();
    const dump = await template.dumpDataDir("none");
    await store.close();
    return dump;
  })();
  return pgliteTemplate;
}

/** A fresh copy of the migrated, empty PGlite. */
export const migratedPglite = async () =>
  PGlite.create({ loadDataDir: await migratedPgliteDump() });

export const pgliteTestStore: TestStore = {
  name: "pglite",
  unavailable: async () => null,
  makeStore: async (options) => {
    const pglite = await migratedPglite();
    return SqlStore.open({ connection: { kind: "pglite", pglite }, domains: domainsFor(options) });
  },
  makeCivilink: async (options) => {
    const pglite = await migratedPglite();
    return createCivilink({ store: "pglite", pglite, ...options } as CivilinkOptions);
  },
};

/** A schema of its own per store, dropped at close, so that test files can run in parallel. */
const freshSchema = () => `t_${process.pid}_${randomBytes(6).toString("hex")}`;

async function dropSchemaOnClose<T extends { close(): Promise<void> }>(target: T, schema: string) {
  const close = target.close.bind(target);
  target.close = async () => {
    await close();
    const admin = knex({ client: "pg", connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
    try {
      await admin.raw("drop schema if exists ?? cascade", [schema]);
    } finally {
      await admin.destroy();
    }
  };
  return target;
}

let postgresCheck: Promise<string | null> | null = null;

/** Null when PostgreSQL answers at TEST_DATABASE_URL; else why not. */
export function postgresUnavailable(): Promise<string | null> {
  postgresCheck ??= (async () => {
    const probe = knex({
      client: "pg",
      connection: { connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 },
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 3000,
    });
    try {
      await probe.raw("select 1");
      return null;
    } catch (cause) {
      return `PostgreSQL at ${TEST_DATABASE_URL} does not answer: ${(cause as Error).message}`;
    } finally {
      await probe.destroy();
    }
  })();
  return postgresCheck;
}

export const postgresTestStore: TestStore = {
  name: "postgres",
  unavailable: postgresUnavailable,
  makeStore: async (options) => {
    const schema = freshSchema();
    const store = SqlStore.open({
      connection: { kind: "postgres", url: TEST_DATABASE_URL, schema, poolSize: 20 },
      domains: domainsFor(options),
    });
    return dropSchemaOnClose(store, schema);
  },
  makeCivilink: async (options) => {
    const schema = freshSchema();
    const civilink = createCivilink({
      store: "postgres",
      url: TEST_DATABASE_URL,
      schema,
      poolSize: 20,
      ...options,
    });
    return dropSchemaOnClose(civilink, schema);
  },
};

export const ALL_TEST_STORES = [memoryTestStore, pgliteTestStore, postgresTestStore];

/**
 * Whether to run a store's suites: PostgreSQL tests may skip with a printed reason on a
 * machine without a server, never when CI is set.
 */
export async function shouldRun(store: TestStore): Promise<boolean> {
  const reason = await store.unavailable();
  if (reason === null) return true;
  if (process.env.CI) throw new Error(`CI is set, so ${store.name} tests must run: ${reason}`);
  console.warn(`Skipping ${store.name} tests: ${reason}`);
  return false;
}
