import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/infrastructure/config/config.js";

describe("configuration from the environment", () => {
  it("uses PGlite in ./.civilink when nothing is set", () => {
    const config = loadConfig({})._unsafeUnwrap();
    expect(config.store).toEqual({ store: "pglite", dataDir: "./.civilink/pglite" });
    expect(config.cms).toBe("drupal");
  });

  it("keeps PGlite in CIVILINK_DATA_DIR", () => {
    const config = loadConfig({ CIVILINK_DATA_DIR: "/var/lib/civilink" })._unsafeUnwrap();
    expect(config.store).toEqual({ store: "pglite", dataDir: "/var/lib/civilink/pglite" });
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u@db:5432/crm" })._unsafeUnwrap();
    expect(config.store).toEqual({
      store: "postgres",
      url: "postgres://u@db:5432/crm",
      poolSize: 10,
      timeouts: {
        connectMs: 5_000,
        statementMs: 15_000,
        queryMs: 20_000,
        idleInTransactionMs: 60_000,
        keepAliveMs: 10_000,
      },
    });
  });

  it("takes the PostgreSQL timeouts from the environment, 0 turning statement and query timeouts off", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://u@db:5432/crm",
      CIVILINK_DB_CONNECT_TIMEOUT_MS: "2000",
      CIVILINK_DB_STATEMENT_TIMEOUT_MS: "0",
      CIVILINK_DB_QUERY_TIMEOUT_MS: "0",
      CIVILINK_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: "30000",
      CIVILINK_DB_KEEPALIVE_MS: "1000",
    })._unsafeUnwrap();
    expect(config.store).toMatchObject({
      timeouts: {
        connectMs: 2_000,
        statementMs: 0,
        queryMs: 0,
        idleInTransactionMs: 30_000,
        keepAliveMs: 1_000,
      },
    });
  });

  it("keeps everything in memory with CIVILINK_STORE=memory, even with DATABASE_URL", () => {
    const config = loadConfig({
      CIVILINK_STORE: "memory",
      DATABASE_URL: "postgres://u@db/crm",
    })._unsafeUnwrap();
    expect(config.store).toEqual({ store: "memory" });
  });

  it("takes domain 1's CMS from CIVILINK_CMS", () => {
    expect(loadConfig({ CIVILINK_CMS: "joomla" })._unsafeUnwrap().cms).toBe("joomla");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", CIVILINK_CMS: "" })._unsafeUnwrap().store.store).toBe(
      "pglite",
    );
  });

  it("limits failed authentications to 100 a minute unless CIVILINK_AUTH_FAILURES_PER_MINUTE says", () => {
    expect(loadConfig({})._unsafeUnwrap().authFailuresPerMinute).toBe(100);
    const configured = loadConfig({ CIVILINK_AUTH_FAILURES_PER_MINUTE: "20" })._unsafeUnwrap();
    expect(configured.authFailuresPerMinute).toBe(20);
    const off = loadConfig({ CIVILINK_AUTH_FAILURES_PER_MINUTE: "0" })._unsafeUnwrap();
    expect(off.authFailuresPerMinute).toBe(0);
  });

  it("bounds HTTP connections by default, each bound configurable", () => {
    expect(loadConfig({})._unsafeUnwrap().http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_000,
      maxHeaderBytes: 16_384,
    });
    const configured = loadConfig({
      CIVILINK_HTTP_HEADERS_TIMEOUT_MS: "2000",
      CIVILINK_HTTP_REQUEST_TIMEOUT_MS: "30000",
      CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS: "1000",
      CIVILINK_HTTP_MAX_CONNECTIONS: "50",
      CIVILINK_HTTP_MAX_HEADER_BYTES: "8192",
    })._unsafeUnwrap();
    expect(configured.http).toEqual({
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 1_000,
      maxConnections: 50,
      maxHeaderBytes: 8_192,
    });
  });

  it("syncs in batches of 1,000 users by default, configurable up to 2,000", () => {
    expect(loadConfig({})._unsafeUnwrap().syncBatchSize).toBe(1_000);
    expect(loadConfig({ CIVILINK_SYNC_BATCH_SIZE: "250" })._unsafeUnwrap().syncBatchSize).toBe(250);
    expect(loadConfig({ CIVILINK_SYNC_BATCH_SIZE: "2000" })._unsafeUnwrap().syncBatchSize).toBe(
      2_000,
    );
  });

  it("refuses a headers timeout longer than the request timeout, naming both", () => {
    const error = loadConfig({
      CIVILINK_HTTP_HEADERS_TIMEOUT_MS: "20000",
      CIVILINK_HTTP_REQUEST_TIMEOUT_MS: "10000",
    })._unsafeUnwrapErr();
    expect(error.message).toContain("CIVILINK_HTTP_HEADERS_TIMEOUT_MS");
    expect(error.message).toContain("CIVILINK_HTTP_REQUEST_TIMEOUT_MS");
  });

  it.each([
    [{ CIVILINK_HTTP_HEADERS_TIMEOUT_MS: "0" }, "CIVILINK_HTTP_HEADERS_TIMEOUT_MS"],
    [{ CIVILINK_HTTP_REQUEST_TIMEOUT_MS: "0" }, "CIVILINK_HTTP_REQUEST_TIMEOUT_MS"],
    [{ CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS: "0" }, "CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS"],
    [{ CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS: "1.5" }, "CIVILINK_HTTP_KEEP_ALIVE_TIMEOUT_MS"],
    [{ CIVILINK_HTTP_MAX_CONNECTIONS: "0" }, "CIVILINK_HTTP_MAX_CONNECTIONS"],
    [{ CIVILINK_HTTP_MAX_HEADER_BYTES: "100" }, "CIVILINK_HTTP_MAX_HEADER_BYTES"],
    [{ CIVILINK_AUTH_FAILURES_PER_MINUTE: "-1" }, "CIVILINK_AUTH_FAILURES_PER_MINUTE"],
    [{ CIVILINK_AUTH_FAILURES_PER_MINUTE: "many" }, "CIVILINK_AUTH_FAILURES_PER_MINUTE"],
    [{ CIVILINK_STORE: "mysql" }, "CIVILINK_STORE"],
    [{ CIVILINK_CMS: "typo3" }, "CIVILINK_CMS"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ CIVILINK_DB_POOL_SIZE: "0" }, "CIVILINK_DB_POOL_SIZE"],
    [{ CIVILINK_SYNC_BATCH_SIZE: "0" }, "CIVILINK_SYNC_BATCH_SIZE"],
    [{ CIVILINK_SYNC_BATCH_SIZE: "2001" }, "CIVILINK_SYNC_BATCH_SIZE"],
    [{ CIVILINK_SYNC_BATCH_SIZE: "1e3x" }, "CIVILINK_SYNC_BATCH_SIZE"],
    [{ CIVILINK_STORE: "postgres" }, "DATABASE_URL"],
    [{ CIVILINK_DB_CONNECT_TIMEOUT_MS: "0" }, "CIVILINK_DB_CONNECT_TIMEOUT_MS"],
    [{ CIVILINK_DB_QUERY_TIMEOUT_MS: "-1" }, "CIVILINK_DB_QUERY_TIMEOUT_MS"],
    [{ CIVILINK_DB_STATEMENT_TIMEOUT_MS: "soon" }, "CIVILINK_DB_STATEMENT_TIMEOUT_MS"],
  ])("refuses %o with a message naming %s", (environment, name) => {
    const error = loadConfig(environment)._unsafeUnwrapErr();
    expect(error.kind).toBe("InvalidConfig");
    expect(error.message).toContain(name);
  });
});
