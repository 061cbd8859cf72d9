/**
 * PostgreSQL that stops answering without closing anything (a partition, a hung host), behind
 * a TCP proxy that freezes: every call answers StoreUnavailable within the configured
 * timeouts instead of hanging, a connection that lost its answer is dropped from the pool, a
 * connection that cannot be made in time is a 503 (not a 500), and a server shuts down within
 * its grace period whatever the store does.
 */
import { randomBytes } from "node:crypto";
import knex from "knex";
import { pino } from "pino";
import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { buildContainer, type Civilink, createCivilink, TOKENS } from "../../src/index.js";
import { resolveUseCases } from "../../src/infrastructure/container/use-cases.js";
import { apiKey } from "../../src/interfaces/http/api-keys.js";
import { createHttpApp } from "../../src/interfaces/http/app.js";
import { API_ROUTES } from "../../src/interfaces/http/routes/index.js";
import { startServerProcess } from "../blackbox/server-process.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { TcpProxy } from "./support/tcp-proxy.js";

const TIMEOUTS = { connectMs: 1_000, statementMs: 1_000, queryMs: 1_500 };

const throughProxy = (proxy: TcpProxy) => {
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return url.toString();
};

async function openProxy(): Promise<TcpProxy> {
  const target = new URL(TEST_DATABASE_URL);
  return TcpProxy.open({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
}

/** The answer and how long it took; rejects when it takes far longer than any timeout. */
async function timed<T>(call: () => PromiseLike<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no answer within 15 s")), 15_000);
  });
  try {
    const result = await Promise.race([Promise.resolve(call()), tooLate]);
    return { result, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

if (await shouldRun(postgresTestStore)) {
  describe("PostgreSQL that stops answering", () => {
    const schemas: string[] = [];
    const proxies: TcpProxy[] = [];
    const apps: Civilink[] = [];
    const freshSchema = () => {
      const schema = `hang_${process.pid}_${randomBytes(4).toString("hex")}`;
      schemas.push(schema);
      return schema;
    };

    afterAll(async () => {
      for (const proxy of proxies) proxy.thaw();
      await Promise.allSettled(apps.map((app) => app.close()));
      for (const proxy of proxies) await proxy.stop();
      const admin = knex({ client: "pg", connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
      for (const schema of schemas) await admin.raw("drop schema if exists ?? cascade", [schema]);
      await admin.destroy();
    });

    it("answers StoreUnavailable within the query timeout and drops the connection that lost its answer", async () => {
      const proxy = await openProxy();
      proxies.push(proxy);
      const app = createCivilink({
        store: "postgres",
        url: throughProxy(proxy),
        schema: freshSchema(),
        // One connection: were the one that lost its answer kept, every later call would hang.
        poolSize: 1,
        timeouts: TIMEOUTS,
      });
      apps.push(app);
      expect((await app.getDomain.execute({ domainId: 1 })).isOk()).toBe(true);

      proxy.freeze();
      const hung = await timed(() => app.getDomain.execute({ domainId: 1 }));
      expect(hung.result.isErr() && hung.result.error).toMatchObject({
        kind: "StoreUnavailable",
        message: expect.stringContaining("did not answer in time"),
      });
      expect(hung.ms).toBeLessThan(TIMEOUTS.queryMs + 1_500);
      // A new connection cannot be made either: the connect timeout answers.
      const again = await timed(() =>
        app.linkOnLogin.execute({ domainId: 1, userId: 1, profile: { email: "a@x.org" } }),
      );
      expect(again.result.isErr() && again.result.error).toMatchObject({
        kind: "StoreUnavailable",
      });
      expect(again.ms).toBeLessThan(TIMEOUTS.queryMs + 1_500);

      proxy.thaw();
      const back = await timed(() =>
        app.linkOnLogin.execute({ domainId: 1, userId: 1, profile: { email: "a@x.org" } }),
      );
      expect(back.result.isOk() && back.result.value.outcome).toBe("created-contact");
    }, 30_000);

    it("a request that cannot get a connection in time answers 503 StoreUnavailable, not 500", async () => {
      const proxy = await openProxy();
      proxies.push(proxy);
      const schema = freshSchema();
      const container = buildContainer({
        store: "postgres",
        url: throughProxy(proxy),
        schema,
        poolSize: 2,
        timeouts: TIMEOUTS,
      });
      const store = container.get(TOKENS.Store);
      expect((await store.prepare()).isOk()).toBe(true);
      // The pool starts empty again: every request needs a new connection.
      await store.close();
      const fresh = buildContainer({
        store: "postgres",
        url: throughProxy(proxy),
        schema,
        poolSize: 2,
        timeouts: TIMEOUTS,
      });
      const app = createHttpApp({
        routes: API_ROUTES,
        useCases: resolveUseCases(fresh),
        store: fresh.get(TOKENS.Store),
        apiKeys: [apiKey("ops", "hang-secret", ["admin"])],
        logger: pino({ level: "silent" }),
        rateLimitPerMinute: 0,
        authFailuresPerMinute: 0,
      });
      proxy.freeze();
      try {
        const started = performance.now();
        const response = await supertest(app)
          .get("/v1/domains/1")
          .set("Authorization", "Bearer hang-secret");
        expect(response.status).toBe(503);
        expect(response.body).toEqual({
          error: { kind: "StoreUnavailable", message: expect.any(String) },
        });
        expect(performance.now() - started).toBeLessThan(TIMEOUTS.connectMs + 2_000);
      } finally {
        proxy.thaw();
        await fresh.get(TOKENS.Store).close();
      }
    }, 30_000);

    it("a server shuts down within its grace period while a request hangs on the store", async () => {
      const proxy = await openProxy();
      proxies.push(proxy);
      const schema = freshSchema();
      const url = new URL(throughProxy(proxy));
      url.searchParams.set("options", `-c search_path=${schema}`);
      const admin = knex({ client: "pg", connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
      await admin.raw("create schema ??", [schema]);
      await admin.destroy();
      const server = await startServerProcess({
        DATABASE_URL: url.toString(),
        CIVILINK_API_KEYS: "ops:hang-secret:admin",
        // No query timeout: only the shutdown's own bounds can end the hanging request.
        CIVILINK_DB_QUERY_TIMEOUT_MS: "0",
        CIVILINK_DB_STATEMENT_TIMEOUT_MS: "0",
      });
      const ask = () =>
        fetch(`${server.url}/v1/domains/1`, {
          headers: { Authorization: "Bearer hang-secret" },
        }).then(
          (response) => response.status,
          () => "cut",
        );
      expect(await ask()).toBe(200);
      proxy.freeze();
      const hanging = ask();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopping = performance.now();
      const code = await server.stop();
      const took = performance.now() - stopping;
      expect(code).toBe(0);
      expect(took).toBeLessThan(20_000);
      expect(await hanging).toBe("cut");
      proxy.thaw();
    }, 40_000);
  });
} else {
  describe.skip("PostgreSQL that stops answering", () => it.skip("needs PostgreSQL", () => {}));
}
