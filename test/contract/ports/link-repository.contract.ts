import { err, ok } from "neverthrow";
import { beforeEach, describe, expect, it } from "vitest";
import type { Link, Stores } from "../../../src/index.js";
import { aLink, anIndividual, aUser, T0, T1 } from "../../support/builders.js";
import { errKind, errValue } from "../../support/results.js";
import {
  createContacts,
  freshStorePerTest,
  type MakeStore,
  putDomains,
  read,
  write,
} from "./support.js";

/** LinkRepository: the user↔contact matches, one per (domain, user) and per (domain, contact). */
export function describeLinkRepositoryContract(storeName: string, makeStore: MakeStore) {
  describe(`LinkRepository contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);
    /** Six contacts, and domains 2 and 3 beside domain 1. */
    let c: number[] = [];

    beforeEach(async () => {
      await putDomains(store(), 2, 3);
      c = await createContacts(
        store(),
        ...["c1@x.org", "c2@x.org", "c3@x.org", "c4@x.org", "c5@x.org", "c6@x.org"].map((e) =>
          anIndividual([e]),
        ),
      );
    });

    const contact = (index: number) => c[index] as number;
    const links = <T>(work: (stores: Stores) => Promise<T>) => read(store(), work);
    const insertAll = (...all: Link[]) =>
      write(store(), async (stores) => {
        for (const link of all) await stores.links.insert(link);
      });

    it("insert gives the link back, and findByUser finds it in its domain only", async () => {
      const link = aLink(1, 7, contact(0), "Ann@X.org");
      const inserted = await write(store(), (stores) => stores.links.insert(link));
      expect(inserted).toEqual(link);
      expect(await links((s) => s.links.findByUser(1, 7))).toEqual(link);
      expect(await links((s) => s.links.findByUser(2, 7))).toBeNull();
      expect(await links((s) => s.links.findByUser(1, 8))).toBeNull();
    });

    it("keeps ids as large as 2^40 exactly", async () => {
      const big = 2 ** 40;
      await insertAll(aLink(1, big, contact(0), "big@x.org"), aLink(1, big + 1, contact(1), "b@x"));
      const found = await links((s) => s.links.findByUser(1, big));
      expect(found?.userId).toBe(big);
      expect(typeof found?.userId).toBe("number");
      const page = await links((s) => s.links.list(1, {}, { limit: 1 }));
      expect(page).toEqual({ items: [found], next: big });
      const rest = await links((s) => s.links.list(1, {}, { limit: 1, after: big }));
      expect(rest.items.map((link) => link.userId)).toEqual([big + 1]);
      expect(rest.next).toBeNull();
    });

    it("findByUsers gives the links of those users that have one, in userId order", async () => {
      await insertAll(
        aLink(1, 9, contact(0), "a@x.org"),
        aLink(1, 3, contact(1), "b@x.org"),
        aLink(1, 5, contact(2), "c@x.org"),
        aLink(2, 4, contact(3), "d@x.org"),
      );
      const found = await links((s) => s.links.findByUsers(1, [9, 4, 3, 100, 3]));
      expect(found.map((link) => [link.userId, link.contactId])).toEqual([
        [3, contact(1)],
        [9, contact(0)],
      ]);
      expect(await links((s) => s.links.findByUsers(1, []))).toEqual([]);
      expect(await links((s) => s.links.findByUsers(2, [4]))).toEqual([
        aLink(2, 4, contact(3), "d@x.org"),
      ]);
    });

    it("findByContact gives the contact's links in every domain, in domain order", async () => {
      await insertAll(
        aLink(3, 1, contact(0), "a@x.org"),
        aLink(1, 2, contact(0), "a@x.org"),
        aLink(2, 3, contact(0), "A@x.org"),
        aLink(1, 4, contact(1), "b@x.org"),
      );
      const found = await links((s) => s.links.findByContact(contact(0)));
      expect(found.map((link) => [link.domainId, link.userId])).toEqual([
        [1, 2],
        [2, 3],
        [3, 1],
      ]);
      expect(await links((s) => s.links.findByContact(contact(5)))).toEqual([]);
    });

    it("linkedContactIds tells which of the contacts are linked in the domain", async () => {
      await insertAll(aLink(1, 1, contact(0), "a@x.org"), aLink(2, 2, contact(1), "b@x.org"));
      const linked = await links((s) =>
        s.links.linkedContactIds(1, [contact(0), contact(1), contact(2)]),
      );
      expect(linked).toEqual(new Set([contact(0)]));
      expect(await links((s) => s.links.linkedContactIds(2, [contact(1)]))).toEqual(
        new Set([contact(1)]),
      );
      expect(await links((s) => s.links.linkedContactIds(1, []))).toEqual(new Set());
    });

    it("findByUfNameKey matches ufName case-insensitively within the domain, in userId order", async () => {
      await insertAll(
        aLink(1, 8, contact(0), "Ann@X.ORG"),
        aLink(1, 2, contact(1), "ann@x.org"),
        aLink(1, 5, contact(2), "other@x.org"),
        aLink(2, 1, contact(3), "ANN@x.org"),
      );
      const found = await links((s) => s.links.findByUfNameKey(1, "ann@x.org"));
      expect(found).toEqual([
        aLink(1, 2, contact(1), "ann@x.org"),
        aLink(1, 8, contact(0), "Ann@X.ORG"),
      ]);
      expect(await links((s) => s.links.findByUfNameKey(3, "ann@x.org"))).toEqual([]);
    });

    it("allows the same ufName on links of several users of a domain (§1)", async () => {
      await insertAll(aLink(1, 1, contact(0), "same@x.org"), aLink(1, 2, contact(1), "same@x.org"));
      const found = await links((s) => s.links.findByUfNameKey(1, "same@x.org"));
      expect(found.map((link) => link.userId)).toEqual([1, 2]);
    });

    it("allows the same user and the same contact to be linked in other domains", async () => {
      await insertAll(
        aLink(1, 1, contact(0), "a@x.org"),
        aLink(2, 1, contact(1), "a@x.org"),
        aLink(3, 2, contact(0), "a@x.org"),
      );
      expect((await links((s) => s.links.findByContact(contact(0)))).length).toBe(2);
      expect(await links((s) => s.links.findByUser(2, 1))).toEqual(
        aLink(2, 1, contact(1), "a@x.org"),
      );
    });

    it.each([
      ["the same (domain, user)", () => aLink(1, 1, contact(1), "dup@x.org")],
      ["the same (domain, contact)", () => aLink(1, 2, contact(0), "dup@x.org")],
    ])(
      "a transaction inserting a second link for %s answers StoreFailed and writes nothing",
      async (_name, duplicateLink) => {
        await insertAll(aLink(1, 1, contact(0), "first@x.org"));
        const duplicate = duplicateLink();
        const result = await store().transaction({}, async (stores) => {
          await stores.users.put(aUser(1, 99, { email: "written@x.org" }));
          await stores.contacts.create(anIndividual(["written@x.org"]), T0);
          await stores.links.insert(aLink(1, 50, contact(4), "written@x.org"));
          await stores.links.insert(duplicate);
          return ok("committed");
        });
        expect(errKind(result)).toBe("StoreFailed");
        const after = await links(async (s) => ({
          first: await s.links.findByUser(1, 1),
          duplicateUser: await s.links.findByUser(1, 2),
          written: await s.links.findByUser(1, 50),
          user: await s.users.get(1, 99),
          contacts: await s.contacts.findByEmailKey("written@x.org", { includeDeleted: true }),
          all: await s.links.list(1, {}, { limit: 100 }),
        }));
        expect(after).toEqual({
          first: aLink(1, 1, contact(0), "first@x.org"),
          duplicateUser: null,
          written: null,
          user: null,
          contacts: [],
          all: { items: [aLink(1, 1, contact(0), "first@x.org")], next: null },
        });
      },
    );

    it("updateUfName sets ufName and updatedAt, keeping createdAt, and the new key finds it", async () => {
      await insertAll(aLink(1, 1, contact(0), "old@x.org"));
      const updated = await write(store(), (stores) =>
        stores.links.updateUfName(1, 1, "New@X.org", T1),
      );
      const expected = { ...aLink(1, 1, contact(0), "New@X.org"), updatedAt: T1 };
      expect(updated).toEqual(expected);
      expect(await links((s) => s.links.findByUser(1, 1))).toEqual(expected);
      expect(await links((s) => s.links.findByUfNameKey(1, "old@x.org"))).toEqual([]);
      expect(await links((s) => s.links.findByUfNameKey(1, "new@x.org"))).toEqual([expected]);
    });

    it("remove gives the removed link back, or null when the user had none", async () => {
      const link = aLink(1, 1, contact(0), "a@x.org");
      await insertAll(link, aLink(2, 1, contact(0), "a@x.org"));
      expect(await write(store(), (stores) => stores.links.remove(1, 1))).toEqual(link);
      expect(await write(store(), (stores) => stores.links.remove(1, 1))).toBeNull();
      expect(await write(store(), (stores) => stores.links.remove(1, 77))).toBeNull();
      expect(await links((s) => s.links.findByUser(1, 1))).toBeNull();
      expect(await links((s) => s.links.findByUser(2, 1))).not.toBeNull();
      expect(await links((s) => s.links.linkedContactIds(1, [contact(0)]))).toEqual(new Set());
    });

    it("after remove, the user and the contact can be linked again", async () => {
      await insertAll(aLink(1, 1, contact(0), "a@x.org"));
      await write(store(), (stores) => stores.links.remove(1, 1));
      await insertAll(aLink(1, 2, contact(0), "a@x.org"), aLink(1, 1, contact(1), "b@x.org"));
      const all = await links((s) => s.links.list(1, {}, { limit: 10 }));
      expect(all.items.map((link) => [link.userId, link.contactId])).toEqual([
        [1, contact(1)],
        [2, contact(0)],
      ]);
    });

    it("list pages the domain's links in userId order with a keyset cursor", async () => {
      await insertAll(
        aLink(1, 30, contact(0), "a@x.org"),
        aLink(1, 10, contact(1), "b@x.org"),
        aLink(1, 50, contact(2), "c@x.org"),
        aLink(1, 20, contact(3), "d@x.org"),
        aLink(1, 40, contact(4), "e@x.org"),
        aLink(2, 15, contact(5), "f@x.org"),
      );
      const ids = (items: Link[]) => items.map((link) => link.userId);
      const first = await links((s) => s.links.list(1, {}, { limit: 2 }));
      expect([ids(first.items), first.next]).toEqual([[10, 20], 20]);
      const second = await links((s) => s.links.list(1, {}, { limit: 2, after: 20 }));
      expect([ids(second.items), second.next]).toEqual([[30, 40], 40]);
      const last = await links((s) => s.links.list(1, {}, { limit: 2, after: 40 }));
      expect([ids(last.items), last.next]).toEqual([[50], null]);
      const exact = await links((s) => s.links.list(1, {}, { limit: 5 }));
      expect([ids(exact.items), exact.next]).toEqual([[10, 20, 30, 40, 50], null]);
      const between = await links((s) => s.links.list(1, {}, { limit: 10, after: 25 }));
      expect(ids(between.items)).toEqual([30, 40, 50]);
      expect(await links((s) => s.links.list(1, {}, { limit: 3, after: 50 }))).toEqual({
        items: [],
        next: null,
      });
      expect(await links((s) => s.links.list(3, {}, { limit: 3 }))).toEqual({
        items: [],
        next: null,
      });
    });

    it("list filters by contactId and by the ufName's email key", async () => {
      await insertAll(
        aLink(1, 1, contact(0), "Same@X.org"),
        aLink(1, 2, contact(1), "same@x.org"),
        aLink(1, 3, contact(2), "SAME@x.org"),
        aLink(1, 4, contact(3), "other@x.org"),
        aLink(2, 5, contact(1), "same@x.org"),
      );
      const byContact = await links((s) =>
        s.links.list(1, { contactId: contact(1) }, { limit: 9 }),
      );
      expect(byContact).toEqual({ items: [aLink(1, 2, contact(1), "same@x.org")], next: null });
      const byKey = await links((s) => s.links.list(1, { emailKey: "same@x.org" }, { limit: 2 }));
      expect(byKey.items.map((link) => link.userId)).toEqual([1, 2]);
      expect(byKey.next).toBe(2);
      const rest = await links((s) =>
        s.links.list(1, { emailKey: "same@x.org" }, { limit: 2, after: 2 }),
      );
      expect(rest).toEqual({ items: [aLink(1, 3, contact(2), "SAME@x.org")], next: null });
      const both = await links((s) =>
        s.links.list(1, { emailKey: "same@x.org", contactId: contact(0) }, { limit: 9 }),
      );
      expect(both.items.map((link) => link.userId)).toEqual([1]);
      expect(await links((s) => s.links.list(1, { contactId: contact(5) }, { limit: 9 }))).toEqual({
        items: [],
        next: null,
      });
    });

    it("a link written in a transaction that answers an error is not kept", async () => {
      const result = await store().transaction({}, async (stores) => {
        await stores.links.insert(aLink(1, 1, contact(0), "a@x.org"));
        return err("changed my mind");
      });
      expect(errValue(result)).toBe("changed my mind");
      expect(await links((s) => s.links.findByUser(1, 1))).toBeNull();
    });
  });
}
