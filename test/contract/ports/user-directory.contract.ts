import { beforeEach, describe, expect, it } from "vitest";
import type { CmsUser, Stores } from "../../../src/index.js";
import { aUser, freshStorePerTest, type MakeStore, putDomains, read, write } from "./support.js";

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
