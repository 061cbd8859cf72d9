import { describe, expect, it } from "vitest";
import type { OutboxEvent, Stores, UserEmailChanged } from "../../../src/index.js";
import { T0, T1 } from "../../support/builders.js";
import { freshStorePerTest, type MakeStore, read, write } from "./support.js";

const event = (overrides: Partial<UserEmailChanged> = {}): UserEmailChanged => ({
  type: "user.email-changed",
  domainId: 1,
  userId: 1,
  email: "new@x.org",
  at: T0,
  ...overrides,
});

const withoutId = ({ id: _id, ...rest }: OutboxEvent): UserEmailChanged => rest;

/** Outbox: events for the CMS to apply, oldest first per domain. */
export function describeOutboxContract(storeName: string, makeStore: MakeStore) {
  describe(`Outbox contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    const outbox = <T>(work: (stores: Stores) => Promise<T>) => read(store(), work);
    const appendAll = (...events: UserEmailChanged[]) =>
      write(store(), async (s) => {
        for (const e of events) await s.outbox.append(e);
      });

    it("lists a domain's events oldest first, each with a string id, ids increasing", async () => {
      const events = [
        event({ userId: 3, email: "Three@X.org" }),
        event({ userId: 1, email: "one@x.org", at: T1 }),
        event({ userId: 2 ** 40, email: "big@x.org" }),
      ];
      await appendAll(events[0] as UserEmailChanged);
      await appendAll(event({ domainId: 2, userId: 9 }));
      await appendAll(events[1] as UserEmailChanged, events[2] as UserEmailChanged);
      const page = await outbox((s) => s.outbox.list(1, { limit: 10 }));
      expect(page.next).toBeNull();
      expect(page.items.map(withoutId)).toEqual(events);
      const ids = page.items.map((e) => e.id);
      for (const id of ids) expect(id).toMatch(/^[0-9]+$/);
      const numeric = ids.map((id) => BigInt(id));
      for (let i = 1; i < numeric.length; i++) {
        expect((numeric[i] as bigint) > (numeric[i - 1] as bigint)).toBe(true);
      }
      const other = await outbox((s) => s.outbox.list(2, { limit: 10 }));
      expect(other.items.map(withoutId)).toEqual([event({ domainId: 2, userId: 9 })]);
      expect(ids).not.toContain(other.items[0]?.id);
      expect(await outbox((s) => s.outbox.list(3, { limit: 10 }))).toEqual({
        items: [],
        next: null,
      });
    });

    it("pages after an event's id, until next is null", async () => {
      const events = [1, 2, 3, 4, 5].map((userId) => event({ userId }));
      await appendAll(...events.slice(0, 3));
      await appendAll(event({ domainId: 2 }));
      await appendAll(...events.slice(3));
      const all = (await outbox((s) => s.outbox.list(1, { limit: 10 }))).items;
      const first = await outbox((s) => s.outbox.list(1, { limit: 2 }));
      expect(first.items).toEqual(all.slice(0, 2));
      expect(first.next).toBe(Number(all[1]?.id));
      const second = await outbox((s) =>
        s.outbox.list(1, { limit: 2, after: first.next as number }),
      );
      expect(second.items).toEqual(all.slice(2, 4));
      const last = await outbox((s) =>
        s.outbox.list(1, { limit: 2, after: second.next as number }),
      );
      expect(last).toEqual({ items: all.slice(4), next: null });
      const afterId = await outbox((s) =>
        s.outbox.list(1, { limit: 10, after: Number(all[2]?.id) }),
      );
      expect(afterId.items.map(withoutId)).toEqual(events.slice(3));
    });

    it("lists one user's events only when asked, oldest first, paging after an event's id", async () => {
      await appendAll(
        event({ userId: 7, email: "a@x.org" }),
        event({ userId: 8, email: "b@x.org" }),
        event({ userId: 7, email: "c@x.org" }),
        event({ domainId: 2, userId: 7, email: "d@x.org" }),
        event({ userId: 8, email: "e@x.org" }),
        event({ userId: 7, email: "f@x.org" }),
      );
      const emails = (items: OutboxEvent[]) => items.map((e) => e.email);
      const ofSeven = await outbox((s) => s.outbox.list(1, { limit: 10 }, { userId: 7 }));
      expect([emails(ofSeven.items), ofSeven.next]).toEqual([
        ["a@x.org", "c@x.org", "f@x.org"],
        null,
      ]);
      const first = await outbox((s) => s.outbox.list(1, { limit: 2 }, { userId: 7 }));
      expect(emails(first.items)).toEqual(["a@x.org", "c@x.org"]);
      expect(first.next).toBe(Number(first.items[1]?.id));
      const rest = await outbox((s) =>
        s.outbox.list(1, { limit: 2, after: first.next as number }, { userId: 7 }),
      );
      expect([emails(rest.items), rest.next]).toEqual([["f@x.org"], null]);
      const ofEight = await outbox((s) => s.outbox.list(1, { limit: 10 }, { userId: 8 }));
      expect(emails(ofEight.items)).toEqual(["b@x.org", "e@x.org"]);
      expect(await outbox((s) => s.outbox.list(1, { limit: 10 }, { userId: 9 }))).toEqual({
        items: [],
        next: null,
      });
      expect(emails((await outbox((s) => s.outbox.list(1, { limit: 10 }, {}))).items)).toHaveLength(
        5,
      );
    });

    it("a page that ends exactly at the last event has next null", async () => {
      await appendAll(event({ userId: 1 }), event({ userId: 2 }));
      const page = await outbox((s) => s.outbox.list(1, { limit: 2 }));
      expect(page.items).toHaveLength(2);
      expect(page.next).toBeNull();
    });
  });
}
