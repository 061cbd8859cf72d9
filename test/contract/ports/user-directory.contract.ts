import { err } from "neverthrow";
import { beforeEach, describe, expect, it } from "vitest";
import { type CmsUser, PROFILE_FIELDS, type Stores } from "../../../src/index.js";
import { aLink, anIndividual, aUser } from "../../support/builders.js";
import {
  createContacts,
  freshStorePerTest,
  type MakeStore,
  putDomains,
  read,
  write,
} from "./support.js";

/** A small deterministic generator (mulberry32), so that a failing case can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random users of a few ids (so that some repeat), with random subsets of the fields. */
function randomUsers(next: () => number, domainId: number, count: number): CmsUser[] {
  return Array.from({ length: count }, () => {
    const user = aUser(domainId, 1 + Math.floor(next() * 40));
    for (const field of PROFILE_FIELDS) {
      if (next() < 0.5)
        user[field] = `${field}-${Math.floor(next() * 5)}${next() < 0.1 ? " é€" : ""}`;
    }
    return user;
  });
}

/** UserDirectory: each domain's CMS users, as the CMS last described them. */
export function describeUserDirectoryContract(storeName: string, makeStore: MakeStore) {
  describe(`UserDirectory contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    beforeEach(async () => {
      await putDomains(store(), 2);
    });

    const users = <T>(work: (stores: Stores) => Promise<T>) => read(store(), work);
    const putAll = (...all: CmsUser[]) =>
      write(store(), async (stores) => {
        for (const user of all) await stores.users.put(user);
      });

    it("put inserts a user with every profile field, and get gives it back", async () => {
      const user = aUser(1, 7, {
        email: "Ann@X.org",
        username: "ann",
        firstName: "Ann",
        lastName: "Lee",
        name: "Ann Lee",
      });
      await putAll(user);
      expect(await users((s) => s.users.get(1, 7))).toEqual(user);
      expect(await users((s) => s.users.get(2, 7))).toBeNull();
    });

    it("get is null for an unknown user", async () => {
      expect(await users((s) => s.users.get(1, 12345))).toBeNull();
    });

    it("put replaces the user whole: fields absent from the new one are removed", async () => {
      await putAll(aUser(1, 7, { email: "a@x.org", username: "ann", firstName: "Ann" }));
      await putAll(aUser(1, 7, { email: "b@x.org", lastName: "Lee" }));
      const stored = await users((s) => s.users.get(1, 7));
      expect(stored).toEqual(aUser(1, 7, { email: "b@x.org", lastName: "Lee" }));
      expect(Object.keys(stored ?? {}).sort()).toEqual(["domainId", "email", "lastName", "userId"]);
      await putAll(aUser(1, 7));
      const bare = await users((s) => s.users.get(1, 7));
      expect(Object.keys(bare ?? {}).sort()).toEqual(["domainId", "userId"]);
      expect(await users((s) => s.users.count(1))).toBe(1);
    });

    it("putMany inserts new users and replaces existing ones whole, counting each kind", async () => {
      await putAll(aUser(1, 7, { email: "a@x.org", username: "ann" }));
      const counts = await write(store(), (s) =>
        s.users.putMany([
          aUser(1, 7, { lastName: "Lee" }),
          aUser(1, 8, { email: "b@x.org", firstName: "Bo", name: "Bo B" }),
          aUser(2, 7, { username: "other" }),
        ]),
      );
      expect(counts).toEqual({ inserted: 2, updated: 1 });
      expect(await users((s) => s.users.get(1, 7))).toEqual(aUser(1, 7, { lastName: "Lee" }));
      expect(await users((s) => s.users.get(1, 8))).toEqual(
        aUser(1, 8, { email: "b@x.org", firstName: "Bo", name: "Bo B" }),
      );
      expect(await users((s) => s.users.get(2, 7))).toEqual(aUser(2, 7, { username: "other" }));
      expect(await write(store(), (s) => s.users.putMany([]))).toEqual({ inserted: 0, updated: 0 });
    });

    it("putMany with a user given twice keeps the last and counts it new once, then updated", async () => {
      const counts = await write(store(), (s) =>
        s.users.putMany([
          aUser(1, 5, { email: "first@x.org" }),
          aUser(1, 6),
          aUser(1, 5, { username: "second" }),
          aUser(1, 5, { username: "third" }),
        ]),
      );
      expect(counts).toEqual({ inserted: 2, updated: 2 });
      expect(await users((s) => s.users.get(1, 5))).toEqual(aUser(1, 5, { username: "third" }));
      expect(await users((s) => s.users.count(1))).toBe(2);
    });

    it("putMany takes thousands of users at once", async () => {
      const many = Array.from({ length: 2500 }, (_, index) =>
        aUser(1, index + 1, { email: `u${index + 1}@x.org`, name: "n".repeat(100) }),
      );
      expect(await write(store(), (s) => s.users.putMany(many))).toEqual({
        inserted: 2500,
        updated: 0,
      });
      const again = many.map((user) => ({ ...user, name: "m" }));
      expect(await write(store(), (s) => s.users.putMany(again))).toEqual({
        inserted: 0,
        updated: 2500,
      });
      expect(await users((s) => s.users.count(1))).toBe(2500);
      expect(await users((s) => s.users.get(1, 2500))).toEqual(
        aUser(1, 2500, { email: "u2500@x.org", name: "m" }),
      );
    });

    it("putMany is undone with the transaction it ran in", async () => {
      await putAll(aUser(1, 1, { email: "kept@x.org" }));
      const result = await store().transaction({}, async (s) => {
        await s.users.putMany([aUser(1, 1, { email: "lost@x.org" }), aUser(1, 2)]);
        return err("rolled back");
      });
      expect(result.isErr()).toBe(true);
      expect(await users((s) => s.users.get(1, 1))).toEqual(aUser(1, 1, { email: "kept@x.org" }));
      expect(await users((s) => s.users.get(1, 2))).toBeNull();
    });

    it("putMany ends as put one by one would, on random batches", async () => {
      // Domain 1 through putMany, domain 2 through put: same users, same end state and counts.
      const next = random(20240304);
      for (let round = 0; round < 8; round++) {
        const batch = randomUsers(next, 1, 1 + Math.floor(next() * 120));
        const expected = await write(store(), async (s) => {
          let inserted = 0;
          for (const user of batch) {
            if ((await s.users.get(2, user.userId)) === null) inserted++;
            await s.users.put({ ...user, domainId: 2 });
          }
          return { inserted, updated: batch.length - inserted };
        });
        expect(await write(store(), (s) => s.users.putMany(batch))).toEqual(expected);
      }
      const all = async (domainId: number) =>
        (await users((s) => s.users.list(domainId, { limit: 100 }))).items.map(
          ({ domainId: _, ...user }) => user,
        );
      const viaPutMany = await all(1);
      expect(viaPutMany.length).toBeGreaterThan(20);
      expect(viaPutMany).toEqual(await all(2));
    });

    it("remove is true for a user it removed and false when there was none", async () => {
      await putAll(aUser(1, 7, { email: "a@x.org" }), aUser(2, 7, { email: "a@x.org" }));
      expect(await write(store(), (s) => s.users.remove(1, 7))).toBe(true);
      expect(await write(store(), (s) => s.users.remove(1, 7))).toBe(false);
      expect(await write(store(), (s) => s.users.remove(1, 8))).toBe(false);
      expect(await users((s) => s.users.get(1, 7))).toBeNull();
      expect(await users((s) => s.users.get(2, 7))).toEqual(aUser(2, 7, { email: "a@x.org" }));
    });

    it("list pages a domain's users in userId order with a keyset cursor", async () => {
      await putAll(
        aUser(1, 30, { username: "c" }),
        aUser(1, 10, { username: "a" }),
        aUser(1, 50),
        aUser(1, 20, { username: "b" }),
        aUser(1, 40, { email: "d@x.org" }),
        aUser(2, 15, { username: "elsewhere" }),
      );
      const ids = (items: CmsUser[]) => items.map((user) => user.userId);
      const first = await users((s) => s.users.list(1, { limit: 2 }));
      expect(first).toEqual({
        items: [aUser(1, 10, { username: "a" }), aUser(1, 20, { username: "b" })],
        next: 20,
      });
      const second = await users((s) => s.users.list(1, { limit: 2, after: 20 }));
      expect([ids(second.items), second.next]).toEqual([[30, 40], 40]);
      const last = await users((s) => s.users.list(1, { limit: 2, after: 40 }));
      expect(last).toEqual({ items: [aUser(1, 50)], next: null });
      const whole = await users((s) => s.users.list(1, { limit: 5 }));
      expect([ids(whole.items), whole.next]).toEqual([[10, 20, 30, 40, 50], null]);
      expect(ids((await users((s) => s.users.list(1, { limit: 9, after: 35 }))).items)).toEqual([
        40, 50,
      ]);
      expect(await users((s) => s.users.list(1, { limit: 9, after: 50 }))).toEqual({
        items: [],
        next: null,
      });
      expect(await users((s) => s.users.list(2, { limit: 9 }))).toEqual({
        items: [aUser(2, 15, { username: "elsewhere" })],
        next: null,
      });
    });

    it("userIdsBetween gives the ids above `after` up to `upTo` (none: no bound), ascending, at most `limit`", async () => {
      await putAll(
        ...[9, 3, 1, 7, 5, Number.MAX_SAFE_INTEGER].map((userId) => aUser(1, userId)),
        aUser(2, 4),
      );
      const between = (after: number, upTo: number | null, limit = 100) =>
        users((s) => s.users.userIdsBetween(1, after, upTo, limit));
      expect(await between(0, null)).toEqual([1, 3, 5, 7, 9, Number.MAX_SAFE_INTEGER]);
      expect(await between(3, 7)).toEqual([5, 7]);
      expect(await between(3, 8)).toEqual([5, 7]);
      expect(await between(0, null, 2)).toEqual([1, 3]);
      expect(await between(9, null)).toEqual([Number.MAX_SAFE_INTEGER]);
      expect(await between(9, 9)).toEqual([]);
      expect(await users((s) => s.users.userIdsBetween(3, 0, null, 10))).toEqual([]);
    });

    /** Links users of domain 1 (and one of domain 2) to contacts of their own. */
    const linkUsers = async (domainId: number, userIds: number[]) => {
      const contacts = await createContacts(
        store(),
        ...userIds.map((userId) => anIndividual([`u${domainId}-${userId}@x.org`])),
      );
      await write(store(), async (s) => {
        for (const [index, userId] of userIds.entries()) {
          await s.links.insert(aLink(domainId, userId, contacts[index] as number, "u@x.org"));
        }
      });
    };

    it("list with linked keeps only the users linked in the domain, or only the others, in full pages", async () => {
      await putAll(...Array.from({ length: 12 }, (_, index) => aUser(1, index + 1)), aUser(2, 3));
      // Users 2 to 9 linked in a row, then 12; user 3 is linked in domain 2 only as well.
      await linkUsers(1, [2, 3, 4, 5, 6, 7, 8, 9, 12]);
      await linkUsers(2, [3, 10]);
      const ids = (items: CmsUser[]) => items.map((user) => user.userId);
      const page = (linked: boolean, limit: number, after?: number) =>
        users((s) =>
          s.users.list(1, after === undefined ? { limit } : { limit, after }, { linked }),
        );
      const unlinked = await page(false, 2);
      expect([ids(unlinked.items), unlinked.next]).toEqual([[1, 10], 10]);
      expect(unlinked.items[0]).toEqual(aUser(1, 1));
      const rest = await page(false, 2, 10);
      expect([ids(rest.items), rest.next]).toEqual([[11], null]);
      const linked = await page(true, 4);
      expect([ids(linked.items), linked.next]).toEqual([[2, 3, 4, 5], 5]);
      const more = await page(true, 4, 5);
      expect([ids(more.items), more.next]).toEqual([[6, 7, 8, 9], 9]);
      const last = await page(true, 4, 9);
      expect([ids(last.items), last.next]).toEqual([[12], null]);
      expect(
        ids((await users((s) => s.users.list(2, { limit: 9 }, { linked: true }))).items),
      ).toEqual([3]);
      const all = await users((s) => s.users.list(1, { limit: 20 }, {}));
      expect(ids(all.items)).toHaveLength(12);
    });

    it("countWithLinks counts the users, those linked in the domain, and all its links", async () => {
      expect(await users((s) => s.users.countWithLinks(1))).toEqual({
        users: 0,
        linkedUsers: 0,
        links: 0,
      });
      await putAll(aUser(1, 1), aUser(1, 2), aUser(1, 3), aUser(2, 1), aUser(2, 2));
      // User 1 of domain 1 linked; users 8 and 9 linked without being in the directory.
      await linkUsers(1, [1, 8, 9]);
      await linkUsers(2, [1, 2]);
      expect(await users((s) => s.users.countWithLinks(1))).toEqual({
        users: 3,
        linkedUsers: 1,
        links: 3,
      });
      expect(await users((s) => s.users.countWithLinks(2))).toEqual({
        users: 2,
        linkedUsers: 2,
        links: 2,
      });
      expect(await users((s) => s.users.countWithLinks(3))).toEqual({
        users: 0,
        linkedUsers: 0,
        links: 0,
      });
    });

    it("count counts the users of one domain", async () => {
      expect(await users((s) => s.users.count(1))).toBe(0);
      await putAll(aUser(1, 1), aUser(1, 2), aUser(1, 3), aUser(2, 1));
      await putAll(aUser(1, 2, { email: "again@x.org" }));
      expect(await users((s) => s.users.count(1))).toBe(3);
      expect(await users((s) => s.users.count(2))).toBe(1);
      expect(await users((s) => s.users.count(3))).toBe(0);
    });

    it("gives back ids as large as 2^40 as the numbers stored, and pages past them", async () => {
      const big = 2 ** 40;
      await putAll(aUser(1, big + 2, { email: "b@x.org" }), aUser(1, big, { email: "a@x.org" }));
      const stored = await users((s) => s.users.get(1, big));
      expect(stored).toEqual(aUser(1, big, { email: "a@x.org" }));
      expect(typeof stored?.userId).toBe("number");
      const first = await users((s) => s.users.list(1, { limit: 1 }));
      expect(first).toEqual({ items: [aUser(1, big, { email: "a@x.org" })], next: big });
      expect(typeof first.next).toBe("number");
      const rest = await users((s) => s.users.list(1, { limit: 1, after: big }));
      expect(rest).toEqual({ items: [aUser(1, big + 2, { email: "b@x.org" })], next: null });
      expect(await write(store(), (s) => s.users.remove(1, big))).toBe(true);
      expect(await users((s) => s.users.count(1))).toBe(1);
    });
  });
}
