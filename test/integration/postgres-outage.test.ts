import { randomBytes } from "node:crypto";
import knex from "knex";
import { ok, type ResultAsync } from "neverthrow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Civilink, createCivilink } from "../../src/index.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import { TcpProxy } from "./support/tcp-proxy.js";

/**
 * PostgreSQL going away under a connected civilink, and coming back. The machine's server
 * keeps running (other test files use it): a TCP proxy in front of it is what stops, which
 * the client cannot tell from a server shutdown — its connections drop, new ones are refused.
 */

/** How long an answer may take while the database is down (connect/acquire timeouts are 5 s). */
const ANSWER_WITHIN_MS = 6_000;

type Answer = { isOk(): boolean; isErr(): boolean; value?: unknown; error?: unknown };

interface Timed<R> {
  result: R;
  ms: number;
}

/**
 * The settled answer of a use case and how long it took; fails (rather than hang until the
 * test's timeout) when it takes far too long, and when the promise rejects.
 */
async function timed<R extends Answer>(call: () => PromiseLike<R>): Promise<Timed<R>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${3 * ANSWER_WITHIN_MS} ms`)),
      3 * ANSWER_WITHIN_MS,
    );
  });
  try {
    const result = await Promise.race([
      Promise.resolve(call()).then(
        (value) => value,
        (cause: unknown) => {
          throw new Error(`the use case rejected instead of answering an error value: ${cause}`);
        },
      ),
      tooLate,
    ]);
    return { result, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

type Call = (app: Civilink) => ResultAsync<unknown, { kind: string }>;

/** Calls that each need the database: reads, the unlocked login path, transactions, a sync. */
const CALLS: [string, Call][] = [
  [
    "login of the linked user",
    (app) => app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } }),
  ],
  [
    "login of a new user",
    (app) => app.linkOnLogin.execute({ domainId: 1, userId: 6, profile: { email: "b@x.org" } }),
  ],
  ["getDomain", (app) => app.getDomain.execute({ domainId: 1 })],
  ["getLink", (app) => app.getLink.execute({ domainId: 1, userId: 5 })],
  ["synchronizeAllUsers", (app) => app.synchronizeAllUsers.execute({ domainId: 1 })],
  [
    "synchronizeAllUsers (dry run)",
    (app) => app.synchronizeAllUsers.execute({ domainId: 1, dryRun: true }),
  ],
];

/** Each call, one after the other, answers StoreUnavailable promptly. */
async function expectUnavailable(app: Civilink, calls: [string, Call][] = CALLS) {
  for (const [name, call] of calls) {
    const { result, ms } = await timed(() => call(app));
    expect(result.isErr() ? result.error : result.value, name).toMatchObject({
      kind: "StoreUnavailable",
    });
    expect(ms, `${name} took ${Math.round(ms)} ms`).toBeLessThan(ANSWER_WITHIN_MS);
  }
  const ping = await timed(async () => {
    const up = await app.store.ping();
    return { isOk: () => up, isErr: () => !up, value: up };
  });
  expect(ping.result.value, "ping while down").toBe(false);
  expect(ping.ms, "ping while down").toBeLessThan(ANSWER_WITHIN_MS);
}

const targetOf = (url: string) => {
  const parsed = new URL(url);
  return { targetHost: parsed.hostname, targetPort: Number(parsed.port || 5432) };
};

const throughProxy = (url: string, proxy: TcpProxy) => {
  const parsed = new URL(url);
  parsed.hostname = proxy.host;
  parsed.port = String(proxy.port);
  return parsed.toString();
};

const freshSchema = () => `outage_${process.pid}_${randomBytes(6).toString("hex")}`;

async function dropSchemas(schemas: string[]) {
  const admin = knex({ client: "pg", connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
  try {
    for (const schema of schemas) await admin.raw("drop schema if exists ?? cascade", [schema]);
  } finally {
    await admin.destroy();
  }
}

if (await shouldRun(postgresTestStore)) {
  describe("PostgreSQL outage", () => {
    const schemas: string[] = [];
    const openApps: Civilink[] = [];
    const openProxies: TcpProxy[] = [];
    /** What escaped as an unhandled rejection or uncaught exception during a test. */
    let escaped: unknown[] = [];
    const record = (cause: unknown) => {
      escaped.push(cause);
    };

    beforeAll(() => {
      process.on("unhandledRejection", record);
      process.on("uncaughtException", record);
    });

    afterAll(async () => {
      process.off("unhandledRejection", record);
      process.off("uncaughtException", record);
      for (const proxy of openProxies) await proxy.start();
      for (const app of openApps) await app.close();
      for (const proxy of openProxies) await proxy.stop();
      await dropSchemas(schemas);
    });

    beforeEach(() => {
      escaped = [];
    });

    afterEach(async () => {
      // Let a stray rejection of a dropped connection surface before looking.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(escaped, "unhandled rejections or uncaught exceptions").toEqual([]);
    });

    async function civilinkBehindProxy() {
      const proxy = await TcpProxy.open(targetOf(TEST_DATABASE_URL));
      openProxies.push(proxy);
      const schema = freshSchema();
      schemas.push(schema);
      const app = createCivilink({
        store: "postgres",
        url: throughProxy(TEST_DATABASE_URL, proxy),
        schema,
        poolSize: 5,
      });
      openApps.push(app);
      return { proxy, app };
    }

    it("answers StoreUnavailable while the database is down and works again when it is back", async () => {
      const { proxy, app } = await civilinkBehindProxy();

      const linked = await app.linkOnLogin.execute({
        domainId: 1,
        userId: 5,
        profile: { email: "a@x.org", firstName: "Ada", lastName: "Lovelace" },
      });
      expect(linked._unsafeUnwrap().outcome).toBe("created-contact");
      const link = linked._unsafeUnwrap().link!;
      const contactBefore = (
        await app.getContact.execute({ contactId: link.contactId })
      )._unsafeUnwrap();
      // Connections are open (and idle in the pool) when the server goes away.
      await Promise.all([1, 2, 3].map(() => app.getDomain.execute({ domainId: 1 })));
      expect(await app.store.ping()).toBe(true);
      expect(proxy.openSockets).toBeGreaterThan(0);

      await proxy.stop();
      await expectUnavailable(app);
      // Still down a second time round: nothing was cached as healthy.
      await expectUnavailable(app, CALLS.slice(0, 2));

      await proxy.start();
      expect(await app.store.ping()).toBe(true);

      // What was written before the outage is intact.
      expect((await app.getLink.execute({ domainId: 1, userId: 5 }))._unsafeUnwrap()).toEqual(link);
      expect((await app.getContact.execute({ contactId: link.contactId }))._unsafeUnwrap()).toEqual(
        contactBefore,
      );
      expect(contactBefore.emails).toEqual([
        { email: "a@x.org", isPrimary: true, locationType: "Home" },
      ]);

      // The same calls succeed.
      const again = await app.linkOnLogin.execute({
        domainId: 1,
        userId: 5,
        profile: { email: "a@x.org", firstName: "Ada", lastName: "Lovelace" },
      });
      expect(again._unsafeUnwrap()).toMatchObject({
        outcome: "already-linked",
        contactId: link.contactId,
      });
      const newUser = await app.linkOnLogin.execute({
        domainId: 1,
        userId: 6,
        profile: { email: "b@x.org" },
      });
      expect(newUser._unsafeUnwrap().outcome).toBe("created-contact");
      expect(newUser._unsafeUnwrap().contactId).not.toBe(link.contactId);
      expect((await app.getDomain.execute({ domainId: 1 }))._unsafeUnwrap().id).toBe(1);
      for (const dryRun of [true, false]) {
        const sync = (
          await app.synchronizeAllUsers.execute({ domainId: 1, dryRun })
        )._unsafeUnwrap();
        expect(sync.failures).toEqual([]);
        expect(sync.report).toMatchObject({ checked: 2, alreadyLinked: 2, failed: 0 });
      }
      const links = (await app.listLinks.execute({ domainId: 1 }))._unsafeUnwrap();
      expect(links.items.map((each) => [each.userId, each.contactId])).toEqual([
        [5, link.contactId],
        [6, newUser._unsafeUnwrap().contactId],
      ]);
    });

    it("a transaction whose connection drops halfway answers StoreUnavailable", async () => {
      const { proxy, app } = await civilinkBehindProxy();
      expect((await app.getDomain.execute({ domainId: 1 })).isOk()).toBe(true);
      let halfway!: () => void;
      const reachedHalfway = new Promise<void>((resolve) => {
        halfway = resolve;
      });
      let goOn!: () => void;
      const mayGoOn = new Promise<void>((resolve) => {
        goOn = resolve;
      });
      const inFlight = timed(() =>
        app.store.transaction({ users: [{ domainId: 1, userId: 7 }] }, async (stores) => {
          await stores.domains.get(1);
          halfway();
          await mayGoOn;
          await stores.domains.get(1);
          return ok("committed");
        }),
      );
      await reachedHalfway;
      await proxy.stop();
      goOn();
      const { result, ms } = await inFlight;
      expect(result.isErr() ? result.error : result.value).toMatchObject({
        kind: "StoreUnavailable",
      });
      expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
      await expectUnavailable(app, CALLS.slice(0, 1));

      await proxy.start();
      expect(
        (
          await app.linkOnLogin.execute({ domainId: 1, userId: 7, profile: { email: "c@x.org" } })
        )._unsafeUnwrap().outcome,
      ).toBe("created-contact");
    });

    it("a civilink created while the database is down migrates once it is up", async () => {
      const { proxy, app } = await civilinkBehindProxy();
      await proxy.stop();

      await expectUnavailable(app);

      await proxy.start();
      expect(await app.store.ping()).toBe(true);
      expect((await app.getDomain.execute({ domainId: 1 }))._unsafeUnwrap()).toMatchObject({
        id: 1,
        cms: "drupal",
      });
      const linked = await app.linkOnLogin.execute({
        domainId: 1,
        userId: 5,
        profile: { email: "a@x.org" },
      });
      expect(linked._unsafeUnwrap().outcome).toBe("created-contact");
      expect(
        (
          await app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } })
        )._unsafeUnwrap().outcome,
      ).toBe("already-linked");
    });
  });
} else {
  describe.skip("PostgreSQL outage", () => it.skip("needs PostgreSQL", () => {}));
}
