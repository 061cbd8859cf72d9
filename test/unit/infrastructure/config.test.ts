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

  it.each([
    [{ CIVILINK_AUTH_FAILURES_PER_MINUTE: "-1" }, "CIVILINK_AUTH_FAILURES_PER_MINUTE"],
    [{ CIVILINK_AUTH_FAILURES_PER_MINUTE: "many" }, "CIVILINK_AUTH_FAILURES_PER_MINUTE"],
    [{ CIVILINK_STORE: "mysql" }, "CIVILINK_STORE"],
    [{ CIVILINK_CMS: "typo3" }, "CIVILINK_CMS"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ CIVILINK_DB_POOL_SIZE: "0" }, "CIVILINK_DB_POOL_SIZE"],
    [{ CIVILINK_STORE: "postgres" }, "DATABASE_URL"],
  ])("refuses %o with a message naming %s", (environment, name) => {
    const error = loadConfig(environment)._unsafeUnwrapErr();
    expect(error.kind).toBe("InvalidConfig");
    expect(error.message).toContain(name);
  });
});
