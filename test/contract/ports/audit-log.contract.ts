import { describe, expect, it } from "vitest";
import type { AuditEntry, Stores } from "../../../src/index.js";
import { anAuditEntry, T0, T1, T2 } from "../../support/builders.js";
import { freshStorePerTest, type MakeStore, read, write } from "./support.js";

/** AuditLog: every decision that wrote something, listed oldest first per domain. */
export function describeAuditLogContract(storeName: string, makeStore: MakeStore) {
  describe(`AuditLog contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    const audit = <T>(work: (stores: Stores) => Promise<T>) => read(store(), work);
    const appendAll = (...entries: AuditEntry[]) =>
      write(store(), async (s) => {
        for (const e of entries) await s.audit.append(e);
      });

    it("lists a domain's entries oldest first, as appended", async () => {
      const entries = [
        anAuditEntry({
          userId: 5,
          contactId: 9,
          action: "created-contact",
          trigger: "registration",
        }),
        anAuditEntry({
          at: T1,
          userId: null,
          contactId: 9,
          action: "linked-existing",
          trigger: "interaction",
        }),
        anAuditEntry({
          at: T2,
          userId: 2,
          contactId: 3,
          action: "conflict",
          trigger: "contact-update",
        }),
      ];
      await appendAll(entries[0] as AuditEntry);
      await appendAll(entries[1] as AuditEntry, entries[2] as AuditEntry);
      await appendAll(anAuditEntry({ domainId: 2, userId: 5 }));
      expect(await audit((s) => s.audit.list(1, {}, { limit: 10 }))).toEqual({
        items: entries,
        next: null,
      });
      expect(await audit((s) => s.audit.list(2, {}, { limit: 10 }))).toEqual({
        items: [anAuditEntry({ domainId: 2, userId: 5 })],
        next: null,
      });
      expect(await audit((s) => s.audit.list(3, {}, { limit: 10 }))).toEqual({
        items: [],
        next: null,
      });
    });

    it("keeps the order of appending, not of the entries' times", async () => {
      await appendAll(anAuditEntry({ at: T2, userId: 1 }), anAuditEntry({ at: T0, userId: 2 }));
      const page = await audit((s) => s.audit.list(1, {}, { limit: 10 }));
      expect(page.items.map((e) => e.userId)).toEqual([1, 2]);
    });

    it("keeps a null userId (an anonymous visitor)", async () => {
      await appendAll(
        anAuditEntry({ userId: null, action: "created-contact", trigger: "interaction" }),
      );
      const [stored] = (await audit((s) => s.audit.list(1, {}, { limit: 10 }))).items;
      expect(stored?.userId).toBeNull();
    });

    it("filters by userId, by contactId and by both", async () => {
      await appendAll(
        anAuditEntry({ userId: 1, contactId: 10 }),
        anAuditEntry({ userId: 2, contactId: 10 }),
        anAuditEntry({ userId: null, contactId: 10 }),
        anAuditEntry({ userId: 1, contactId: 11, action: "unlinked", trigger: "user-deletion" }),
        anAuditEntry({ domainId: 2, userId: 1, contactId: 10 }),
      );
      const list = (filter: { userId?: number; contactId?: number }) =>
        audit((s) => s.audit.list(1, filter, { limit: 10 }));
      expect((await list({ userId: 1 })).items.map((e) => [e.userId, e.contactId])).toEqual([
        [1, 10],
        [1, 11],
      ]);
      expect((await list({ contactId: 10 })).items.map((e) => e.userId)).toEqual([1, 2, null]);
      expect((await list({ userId: 1, contactId: 11 })).items).toEqual([
        anAuditEntry({ userId: 1, contactId: 11, action: "unlinked", trigger: "user-deletion" }),
      ]);
      expect(await list({ userId: 3 })).toEqual({ items: [], next: null });
    });

    it("pages with the cursor it gives, until next is null", async () => {
      const entries = [1, 2, 3, 4, 5].map((userId) => anAuditEntry({ userId }));
      await appendAll(...entries.slice(0, 2));
      await appendAll(anAuditEntry({ domainId: 2 }));
      await appendAll(...entries.slice(2));
      const seen: AuditEntry[] = [];
      let after: number | undefined;
      const cursors: number[] = [];
      for (let pages = 0; pages < 10; pages++) {
        const page = await audit((s) =>
          s.audit.list(1, {}, after === undefined ? { limit: 2 } : { limit: 2, after }),
        );
        seen.push(...page.items);
        if (page.next === null) break;
        expect(page.items).toHaveLength(2);
        cursors.push(page.next);
        after = page.next;
      }
      expect(seen).toEqual(entries);
      expect(cursors).toHaveLength(2);
      expect(cursors[0]).toBeLessThan(cursors[1] as number);
    });

    it("pages a filtered list with the cursor it gives", async () => {
      await appendAll(
        anAuditEntry({ userId: 1, contactId: 1 }),
        anAuditEntry({ userId: 2, contactId: 1 }),
        anAuditEntry({ userId: 1, contactId: 2 }),
        anAuditEntry({ userId: 1, contactId: 3 }),
      );
      const first = await audit((s) => s.audit.list(1, { userId: 1 }, { limit: 2 }));
      expect(first.items.map((e) => e.contactId)).toEqual([1, 2]);
      expect(first.next).not.toBeNull();
      const rest = await audit((s) =>
        s.audit.list(1, { userId: 1 }, { limit: 2, after: first.next as number }),
      );
      expect(rest).toEqual({ items: [anAuditEntry({ userId: 1, contactId: 3 })], next: null });
    });

    it("keeps ids as large as 2^40 exactly", async () => {
      const big = 2 ** 40;
      await appendAll(anAuditEntry({ userId: big, contactId: big + 1 }));
      const page = await audit((s) => s.audit.list(1, { userId: big }, { limit: 1 }));
      expect(page).toEqual({
        items: [anAuditEntry({ userId: big, contactId: big + 1 })],
        next: null,
      });
    });
  });
}
