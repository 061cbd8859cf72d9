/**
 * The set-based sync (§9) on PostgreSQL while users log in (§3 step 6): a batch
 * holds the advisory locks of all its users and email keys, bucketed, so that a login of one
 * of them, or of a new user sharing an email, waits for the batch and then decides on what
 * it wrote. Afterwards every user has one link, no contact was created twice for an email
 * key, and the lock table never held more than a batch's buckets for one transaction.
 */
import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";
import { ok, type ResultAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Civilink,
  createCivilink,
  DEFAULT_SYNC_BATCH_SIZE,
  SynchronizeAllUsers,
  systemClock,
} from "../../src/index.js";
import {
  LOCK_BUCKETS,
  LOCK_SPACE,
  lockBucket,
} from "../../src/infrastructure/persistence/sql/advisory-locks.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";

async function value<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Directory users 1..USERS; user u has key p{u % KEYS}@x.org, in upper case for every third. */
const USERS = 6000;
const KEYS = 2000;
/** Keys below this have one contact already, those below TWO_CONTACTS two. */
const ONE_CONTACT = 700;
const TWO_CONTACTS = 200;
const NEW_USERS = 400;
const DIRECTORY_LOGINS = 400;
const CONCURRENT_LOGINS = 12;

const keyOf = (user: number) => `p${user % KEYS}@x.org`;
const emailOf = (user: number) => (user % 3 === 0 ? keyOf(user).toUpperCase() : keyOf(user));
/** Users without a valid email are skipped by everyone. */
const hasEmail = (user: number) => user % 97 !== 0;

if (await shouldRun(postgresTestStore)) {
  describe("set-based sync with concurrent logins on PostgreSQL", () => {
    const schema = `sync_${process.pid}_${randomBytes(4).toString("hex")}`;
    let civilink: Civilink;
    let sql: Knex;
    const rows = async <T = Record<string, unknown>>(query: string, bindings: unknown[] = []) =>
      ((await sql.raw(query, bindings as never)) as { rows: T[] }).rows;

    beforeAll(async () => {
      civilink = createCivilink({
        store: "postgres",
        url: TEST_DATABASE_URL,
        schema,
        poolSize: 16,
      });
      sql = knex({
        client: "pg",
        connection: TEST_DATABASE_URL,
        searchPath: [schema],
        pool: { min: 0, max: 2 },
      });
      await value(civilink.store.prepare());
    });

    afterAll(async () => {
      await civilink?.close();
      try {
        await sql?.raw("drop schema if exists ?? cascade", [schema]);
      } finally {
        await sql?.destroy();
      }
    });

    /** The most advisory locks of civilink's space one backend holds right now. */
    const mostLocksHeld = async () => {
      const [row] = await rows<{ most: unknown }>(
        `select coalesce(max(n), 0) as most from (
           select count(*) as n from pg_locks
            where locktype = 'advisory' and classid = ?::oid and objsubid = 2 and granted
              and database = (select oid from pg_database where datname = current_database())
            group by pid) held`,
        [LOCK_SPACE],
      );
      return Number(row?.most ?? 0);
    };

    it("a transaction on 100,000 keys holds at most LOCK_BUCKETS advisory locks", async () => {
      const locks = {
        users: Array.from({ length: 50_000 }, (_, userId) => ({ domainId: 1, userId })),
        emailKeys: Array.from({ length: 50_000 }, (_, index) => `k${index}@x.org`),
      };
      // Without buckets this is 100,000 locks: "out of shared memory" on a default server.
      const held = await value(
        civilink.store.transaction(locks, async () => ok(await mostLocksHeld())),
      );
      expect(held).toBe(LOCK_BUCKETS);
    });

    it("two keys of one bucket queue together; keys of other buckets do not wait", async () => {
      const first = { domainId: 1, userId: 1 };
      const bucket = lockBucket("user:1:1");
      let userId = 2;
      while (lockBucket(`user:1:${userId}`) !== bucket) userId++;
      const sameBucket = { domainId: 1, userId };
      const otherBucket = { domainId: 1, userId: userId + 1 };
      expect(lockBucket(`user:1:${otherBucket.userId}`)).not.toBe(bucket);

      const holding = civilink.store.transaction({ users: [first] }, async () => {
        await sleep(400);
        return ok(performance.now());
      });
      await sleep(100);
      const started = performance.now();
      const other = await value(
        civilink.store.transaction({ users: [otherBucket] }, async () => ok(performance.now())),
      );
      const same = await value(
        civilink.store.transaction({ users: [sameBucket] }, async () => ok(performance.now())),
      );
      const released = await value(holding);
      expect(other - started).toBeLessThan(250);
      expect(same).toBeGreaterThanOrEqual(released);
    });

    it(`syncs ${USERS} users while ${DIRECTORY_LOGINS + NEW_USERS} logins run: one link each, no duplicate contact`, async () => {
      await sql.raw("truncate table links, users, audit_entries, contact_emails, contacts cascade");
      await sql.raw(
        `insert into users (domain_id, user_id, email, first_name)
         select 1, u, case when u % 97 = 0 then null
                           when u % 3 = 0 then upper('p' || (u % ?) || '@x.org')
                           else 'p' || (u % ?) || '@x.org' end,
                'First' || u
           from generate_series(1, ?) u`,
        [KEYS, KEYS, USERS],
      );
      // One contact for each of the first keys, a second (non-primary) one for the very first.
      await sql.raw(
        `insert into contacts (id, contact_type, display_name, is_deleted, created_at)
         select k + 1, 'Individual', 'p' || k || '@x.org', false, now()
           from generate_series(0, ? - 1) k
         union all
         select ? + k + 1, 'Individual', 'second p' || k, false, now()
           from generate_series(0, ? - 1) k`,
        [ONE_CONTACT, ONE_CONTACT, TWO_CONTACTS],
      );
      await sql.raw(
        `insert into contact_emails (contact_id, email, is_primary, location_type, position)
         select id, case when id <= ? then 'p' || (id - 1) || '@x.org'
                         else 'p' || (id - ? - 1) || '@x.org' end,
                id <= ?, 'Home', 0
           from contacts`,
        [ONE_CONTACT, ONE_CONTACT, ONE_CONTACT],
      );
      await sql.raw(
        "select setval(pg_get_serial_sequence('contacts', 'id'), (select max(id) from contacts))",
      );
      const seededContacts = ONE_CONTACT + TWO_CONTACTS;

      // Logins: directory users spread over the id range, and new users sharing their keys.
      const logins = [
        ...Array.from({ length: DIRECTORY_LOGINS }, (_, index) => {
          const spread = 1 + ((index * 7919) % USERS);
          const user = hasEmail(spread) ? spread : spread + 1;
          return { userId: user, email: emailOf(user) };
        }),
        ...Array.from({ length: NEW_USERS }, (_, index) => ({
          userId: 100_001 + index,
          email: keyOf((index * 37) % USERS),
        })),
      ].sort((a, b) => ((a.userId * 31) % 1009) - ((b.userId * 31) % 1009));

      let syncing = true;
      let loginsDuringSync = 0;
      let mostLocks = 0;
      const sampling = (async () => {
        while (syncing) {
          mostLocks = Math.max(mostLocks, await mostLocksHeld());
          await sleep(2);
        }
      })();
      const synchronize = new SynchronizeAllUsers(civilink.store, systemClock);
      const syncRun = (async () => {
        const result = await synchronize.execute({ domainId: 1 });
        syncing = false;
        return result;
      })();
      const answers: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENT_LOGINS }, async () => {
          while (next < logins.length) {
            const login = logins[next++] as (typeof logins)[number];
            const answer = await value(
              civilink.linkOnLogin.execute({
                domainId: 1,
                userId: login.userId,
                profile: { email: login.email },
              }),
            );
            if (syncing) loginsDuringSync++;
            answers.push(answer.outcome);
          }
        }),
      );
      const synced = await syncRun;
      if (synced.isErr()) throw new Error(`The sync failed: ${JSON.stringify(synced.error)}`);
      const sync = synced.value;
      await sampling;

      expect(loginsDuringSync).toBeGreaterThan(0);
      for (const answer of answers) {
        expect(["already-linked", "linked-existing", "created-contact"]).toContain(answer);
      }
      expect(sync.failures).toEqual([]);
      expect(sync.report.checked).toBeGreaterThanOrEqual(USERS);
      // One batch: its users and their email keys, at most two locks a user.
      expect(mostLocks).toBeGreaterThan(0);
      expect(mostLocks).toBeLessThanOrEqual(2 * DEFAULT_SYNC_BATCH_SIZE);

      // Every user with an email is linked once; every contact at most once.
      const [unlinked] = await rows<{ n: unknown }>(
        `select count(*) as n from users u
          where u.domain_id = 1 and u.email is not null
            and not exists (select 1 from links l where l.domain_id = 1 and l.user_id = u.user_id)`,
      );
      expect(Number(unlinked?.n)).toBe(0);
      const links = await rows<{ user_id: unknown; contact_id: unknown; uf_name_key: string }>(
        "select user_id, contact_id, uf_name_key from links where domain_id = 1",
      );
      const directory = Array.from({ length: USERS }, (_, index) => index + 1).filter(hasEmail);
      expect(links).toHaveLength(directory.length + NEW_USERS);
      expect(new Set(links.map((link) => Number(link.contact_id))).size).toBe(links.length);

      // Per key, what ensure-link one user at a time gives: the existing contacts are taken
      // first, a contact is created only for each user beyond them.
      const linksPerKey = new Map<string, number>();
      for (const link of links) {
        linksPerKey.set(link.uf_name_key, (linksPerKey.get(link.uf_name_key) ?? 0) + 1);
      }
      const contactsPerKey = new Map(
        (
          await rows<{ email: string; n: unknown }>(
            "select email, count(*) as n from contact_emails group by email",
          )
        ).map((row) => [row.email, Number(row.n)]),
      );
      for (let key = 0; key < KEYS; key++) {
        const email = `p${key}@x.org`;
        const existing = key < TWO_CONTACTS ? 2 : key < ONE_CONTACT ? 1 : 0;
        const linked = linksPerKey.get(email) ?? 0;
        expect(contactsPerKey.get(email) ?? 0, email).toBe(Math.max(existing, linked));
      }
      const [orphans] = await rows<{ n: unknown }>(
        `select count(*) as n from contacts c
          where c.id > ? and not exists (select 1 from links l where l.contact_id = c.id)`,
        [seededContacts],
      );
      expect(Number(orphans?.n)).toBe(0);

      // One audit entry per link, created contacts as often as contacts were created.
      const audit = await rows<{ action: string; n: unknown }>(
        "select action, count(*) as n from audit_entries where domain_id = 1 group by action",
      );
      const auditCount = (action: string) =>
        Number(audit.find((row) => row.action === action)?.n ?? 0);
      const [created] = await rows<{ n: unknown }>(
        "select count(*) as n from contacts where id > ?",
        [seededContacts],
      );
      expect(auditCount("created-contact")).toBe(Number(created?.n));
      expect(auditCount("created-contact") + auditCount("linked-existing")).toBe(links.length);
      expect(sync.report.created + sync.report.matched).toBe(
        links.length - answers.filter((answer) => answer !== "already-linked").length,
      );
    }, 120_000);
  });
} else {
  describe.skip("set-based sync with concurrent logins on PostgreSQL", () =>
    it.skip("needs PostgreSQL", () => {}));
}
