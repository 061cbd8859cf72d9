import { describe, expect, it } from "vitest";
import type { DomainId, StoreRuntime, Stores, UserId } from "../../src/index.js";
import { aLink, anIndividual, aUser, T1, T2 } from "../support/builders.js";
import { pgliteTestStore, postgresTestStore, shouldRun } from "../support/test-stores.js";
import { createContacts, putDomains, read, write } from "./ports/support.js";

/**
 * The SQL stores answer a user event's first look (domain, user, link) in one statement
 * (`stores.snapshots`): it must answer exactly what the three separate reads answer.
 */

const threeReads = async (stores: Stores, domainId: DomainId, userId: UserId) => ({
  domain: await stores.domains.get(domainId),
  user: await stores.users.get(domainId, userId),
  link: await stores.links.findByUser(domainId, userId),
});

const BIG_USER_ID = 999_999_999_999_999;

async function seed(store: StoreRuntime) {
  await putDomains(store, 2);
  const [ada, bob, cy] = await createContacts(
    store,
    anIndividual(["ada@example.org"]),
    anIndividual(["bob@example.org"]),
    anIndividual(["cy@example.org"]),
  );
  await write(store, async (stores) => {
    await stores.users.put(
      aUser(1, 10, {
        email: "Ada@Example.org",
        username: "ada",
        firstName: "Ada",
        lastName: "Lovelace",
        name: "Ada L.",
      }),
    );
    await stores.users.put(aUser(1, 11, { email: "eleven@example.org" }));
    await stores.users.put(aUser(2, 10, { username: "other-domain-ten" }));
    await stores.users.put(aUser(1, BIG_USER_ID, { firstName: "Big" }));
    await stores.links.insert(aLink(1, 10, ada as number, "Ada@Example.org", T1));
    // A link without a directory entry (an old link, or one made before the directory).
    await stores.links.insert(aLink(1, 12, bob as number, "bob@example.org", T2));
    await stores.links.insert(aLink(2, 10, cy as number, "cy@example.org"));
    await stores.links.insert(aLink(2, BIG_USER_ID, bob as number, "bob@example.org"));
  });
}

const LOOKS: [DomainId, UserId][] = [
  [1, 10], // user and link
  [1, 11], // user, no link
  [1, 12], // link, no user
  [1, 13], // neither
  [2, 10], // the same user id in another domain
  [1, BIG_USER_ID],
  [2, BIG_USER_ID],
  [3, 10], // no such domain
];

for (const testStore of [pgliteTestStore, postgresTestStore]) {
  describe.runIf(await shouldRun(testStore))(`user snapshots on ${testStore.name}`, () => {
    it("answer what domains.get, users.get and links.findByUser answer", async () => {
      const store = await testStore.makeStore();
      try {
        await seed(store);
        for (const [domainId, userId] of LOOKS) {
          const { snapshot, expected } = await read(store, async (stores) => {
            expect(stores.snapshots).toBeDefined();
            return {
              snapshot: await stores.snapshots?.snapshot(domainId, userId),
              expected: await threeReads(stores, domainId, userId),
            };
          });
          expect(snapshot, `domain ${domainId}, user ${userId}`).toEqual(expected);
        }
        // Inside a transaction too.
        const inTransaction = await write(store, async (stores) =>
          stores.snapshots?.snapshot(1, 10),
        );
        expect(inTransaction).toEqual(await read(store, (stores) => threeReads(stores, 1, 10)));
        expect(inTransaction?.link?.createdAt).toEqual(T1);
      } finally {
        await store.close();
      }
    });

    it("answer each of many asked at once, in one statement on PostgreSQL, as one at a time", async () => {
      const store = await testStore.makeStore();
      try {
        await seed(store);
        const asked = [...LOOKS, ...LOOKS, [1, 10] as [DomainId, UserId]];
        const expected = await read(store, async (stores) => {
          const answers = [];
          for (const [domainId, userId] of asked)
            answers.push(await threeReads(stores, domainId, userId));
          return answers;
        });
        const statements: string[] = [];
        const knex = (store as unknown as { knex: import("knex").Knex }).knex;
        const count = (query: { sql: string }) => statements.push(query.sql);
        knex.on("query", count);
        const together = await Promise.all(
          asked.map(([domainId, userId]) =>
            read(store, async (stores) => stores.snapshots?.snapshot(domainId, userId)),
          ),
        );
        knex.off("query", count);
        expect(together).toEqual(expected);
        if (testStore === postgresTestStore) expect(statements).toHaveLength(1);
      } finally {
        await store.close();
      }
    });
  });
}
