import { err, ok } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  ConcurrentWriteError,
  type DomainId,
  type LockKeys,
  type StoreRuntime,
  type Stores,
  type UserId,
} from "../../../src/index.js";
import { MAX_TRANSACTION_ATTEMPTS } from "../../../src/infrastructure/persistence/store-runtime.js";
import { aDomain, aLink, anIndividual, aUser, T0 } from "../../support/builders.js";
import { errKind, errValue, okValue } from "../../support/results.js";
import { freshStorePerTest, type MakeStore, read, sleep, write } from "./support.js";

/** A counter kept in a directory user's username, to see how transactions interleave. */
async function increment(
  store: StoreRuntime,
  locks: LockKeys,
  counters: readonly { domainId: DomainId; userId: UserId }[],
  pauseMs = 20,
) {
  return store.transaction(locks, async (stores) => {
    const values: number[] = [];
    for (const { domainId, userId } of counters) {
      values.push(Number((await stores.users.get(domainId, userId))?.username ?? "0"));
    }
    await sleep(pauseMs);
    for (const [index, { domainId, userId }] of counters.entries()) {
      await stores.users.put(
        aUser(domainId, userId, { username: String((values[index] ?? 0) + 1) }),
      );
    }
    return ok(values);
  });
}

const counterOf = async (store: StoreRuntime, userId: UserId) =>
  Number((await read(store, (s) => s.users.get(1, userId)))?.username ?? "0");

/** UnitOfWork (and the StoreRuntime lifecycle): atomicity, retries, locks, reads, dry runs. */
export function describeUnitOfWorkContract(storeName: string, makeStore: MakeStore) {
  describe(`UnitOfWork contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    /** One write through each repository; gives the contact id. */
    const writeEverywhere = async (stores: Stores) => {
      await stores.domains.put(aDomain(2));
      const contact = await stores.contacts.create(anIndividual(["all@x.org"]), T0);
      await stores.links.insert(aLink(1, 1, contact.id, "all@x.org"));
      await stores.users.put(aUser(1, 1, { email: "all@x.org" }));
      await stores.audit.append({
        at: T0,
        domainId: 1,
        userId: 1,
        contactId: contact.id,
        action: "created-contact",
        trigger: "login",
      });
      await stores.outbox.append({
        type: "user.email-changed",
        domainId: 1,
        userId: 1,
        email: "all@x.org",
        at: T0,
      });
      return contact.id;
    };

    /** What writeEverywhere left behind, as counts. */
    const traces = () =>
      read(store(), async (s) => ({
        domains: (await s.domains.list()).length,
        contacts: (await s.contacts.findByEmailKey("all@x.org", { includeDeleted: true })).length,
        links: (await s.links.list(1, {}, { limit: 10 })).items.length,
        users: await s.users.count(1),
        audit: (await s.audit.list(1, {}, { limit: 10 })).items.length,
        outbox: (await s.outbox.list(1, { limit: 10 })).items.length,
      }));
    const nothing = { domains: 1, contacts: 0, links: 0, users: 0, audit: 0, outbox: 0 };
    const everything = { domains: 2, contacts: 1, links: 1, users: 1, audit: 1, outbox: 1 };

    it("commits every write of a work that answers ok, and gives its value", async () => {
      const result = await store().transaction({}, async (stores) =>
        ok(await writeEverywhere(stores)),
      );
      const contactId = okValue(result);
      expect(await traces()).toEqual(everything);
      expect(await read(store(), (s) => s.links.findByUser(1, 1))).toEqual(
        aLink(1, 1, contactId, "all@x.org"),
      );
    });

    it("rolls back every write of a work that answers an error, and gives that error", async () => {
      const result = await store().transaction({}, async (stores) => {
        await writeEverywhere(stores);
        return err({ kind: "Refused", detail: 42 } as const);
      });
      expect(errValue(result)).toEqual({ kind: "Refused", detail: 42 });
      expect(await traces()).toEqual(nothing);
    });

    it("rolls back a work that throws, and answers StoreFailed instead of rejecting", async () => {
      const result = await store().transaction({}, async (stores) => {
        await writeEverywhere(stores);
        throw new Error("a bug");
      });
      expect(errKind(result)).toBe("StoreFailed");
      expect(await traces()).toEqual(nothing);
    });

    it("answers StoreFailed for a work that throws before its first await", async () => {
      const result = await store().transaction({}, () => {
        throw new Error("at once");
      });
      expect(errKind(result)).toBe("StoreFailed");
      const reading = await store().read(() => {
        throw new Error("at once");
      });
      expect(errKind(reading)).toBe("StoreFailed");
    });

    it("runs the work again after a ConcurrentWriteError, keeping only the last run's writes", async () => {
      let runs = 0;
      const result = await store().transaction({}, async (stores) => {
        runs++;
        await stores.users.put(aUser(1, runs, { email: `run${runs}@x.org` }));
        if (runs === 1) throw new ConcurrentWriteError("lost a race");
        return ok(runs);
      });
      expect(okValue(result)).toBe(2);
      expect(runs).toBe(2);
      expect(await read(store(), (s) => s.users.get(1, 1))).toBeNull();
      expect(await read(store(), (s) => s.users.get(1, 2))).toEqual(
        aUser(1, 2, { email: "run2@x.org" }),
      );
    });

    it(`gives up after ${MAX_TRANSACTION_ATTEMPTS} runs that all lose a race, answering StoreFailed`, async () => {
      let runs = 0;
      const result = await store().transaction({}, async (stores) => {
        runs++;
        await stores.users.put(aUser(1, runs));
        throw new ConcurrentWriteError("always loses");
      });
      expect(errKind(result)).toBe("StoreFailed");
      expect(runs).toBe(MAX_TRANSACTION_ATTEMPTS);
      expect(await read(store(), (s) => s.users.count(1))).toBe(0);
    });

    it("retries a link insert that lost a race, so a work that checks first ends ok", async () => {
      const [contactId] = await write(store(), async (s) => [
        (await s.contacts.create(anIndividual(["race@x.org"]), T0)).id,
      ]);
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          store().transaction({}, async (stores) => {
            const existing = await stores.links.findByUser(1, 1);
            if (existing) return ok("found");
            await sleep(10);
            await stores.links.insert(aLink(1, 1, contactId as number, "race@x.org"));
            return ok("inserted");
          }),
        ),
      );
      const outcomes = results.map(okValue).sort();
      expect(outcomes).toEqual(["found", "found", "found", "found", "inserted"]);
      expect((await read(store(), (s) => s.links.list(1, {}, { limit: 10 }))).items).toHaveLength(
        1,
      );
    });

    it("read sees what committed transactions wrote, and answers the work's error", async () => {
      await write(store(), (s) => s.users.put(aUser(1, 5, { email: "a@x.org" })));
      expect(await read(store(), (s) => s.users.get(1, 5))).toEqual(
        aUser(1, 5, { email: "a@x.org" }),
      );
      const result = await store().read(async () => err("not there"));
      expect(errValue(result)).toBe("not there");
    });

    it("discarding sees its own writes during the work and leaves none behind", async () => {
      await write(store(), (s) => s.users.put(aUser(1, 1, { email: "before@x.org" })));
      const result = await store().discarding(async (uow) => {
        const written = await uow.transaction(
          { users: [{ domainId: 1, userId: 2 }] },
          async (s) => {
            await s.users.put(aUser(1, 2, { email: "dry@x.org" }));
            await s.users.put(aUser(1, 1, { email: "changed@x.org" }));
            const contact = await s.contacts.create(anIndividual(["dry@x.org"]), T0);
            await s.links.insert(aLink(1, 2, contact.id, "dry@x.org"));
            return ok(contact.id);
          },
        );
        const contactId = okValue(written);
        const seen = await uow.read(async (s) =>
          ok({
            user: await s.users.get(1, 2),
            changed: await s.users.get(1, 1),
            link: await s.links.findByUser(1, 2),
            count: await s.users.count(1),
          }),
        );
        return seen.map((during) => ({ contactId, during }));
      });
      const { contactId, during } = okValue(result);
      expect(during).toEqual({
        user: aUser(1, 2, { email: "dry@x.org" }),
        changed: aUser(1, 1, { email: "changed@x.org" }),
        link: aLink(1, 2, contactId, "dry@x.org"),
        count: 2,
      });
      expect(
        await read(store(), async (s) => ({
          user: await s.users.get(1, 2),
          kept: await s.users.get(1, 1),
          link: await s.links.findByUser(1, 2),
          contact: await s.contacts.findById(contactId),
          count: await s.users.count(1),
        })),
      ).toEqual({
        user: null,
        kept: aUser(1, 1, { email: "before@x.org" }),
        link: null,
        contact: null,
        count: 1,
      });
    });

    it("discarding gives the work's error, and answers StoreFailed when the work throws", async () => {
      const refused = await store().discarding(async (uow) => {
        await uow.transaction({}, async (s) => ok(await s.users.put(aUser(1, 3))));
        return err("refused");
      });
      expect(errValue(refused)).toBe("refused");
      const thrown = await store().discarding(async () => {
        throw new Error("a bug");
      });
      expect(errKind(thrown)).toBe("StoreFailed");
      expect(await read(store(), (s) => s.users.count(1))).toBe(0);
    });

    it("a transaction inside discarding that answers an error rolls back only its own writes", async () => {
      const result = await store().discarding(async (uow) => {
        await uow.transaction({}, async (s) => ok(await s.users.put(aUser(1, 1))));
        const inner = await uow.transaction({}, async (s) => {
          await s.users.put(aUser(1, 2));
          return err("inner refused");
        });
        const count = await uow.read(async (s) => ok(await s.users.count(1)));
        return count.map((users) => ({ inner: inner.isErr() ? inner.error : "ok", users }));
      });
      expect(okValue(result)).toEqual({ inner: "inner refused", users: 1 });
      expect(await read(store(), (s) => s.users.count(1))).toBe(0);
    });

    it("runs transactions sharing a lock key one after the other", async () => {
      const locks: LockKeys = { users: [{ domainId: 1, userId: 100 }] };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => increment(store(), locks, [{ domainId: 1, userId: 100 }])),
      );
      const seen = results.map((result) => okValue(result)[0]).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await counterOf(store(), 100)).toBe(10);
    });

    it.each<[string, LockKeys]>([
      ["an email key", { emailKeys: ["shared@x.org"] }],
      ["a contact id", { contactIds: [7] }],
      ["the same key among others", { emailKeys: ["shared@x.org"], contactIds: [1, 2] }],
    ])("serialises on %s as well", async (_name, locks) => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          increment(
            store(),
            index % 2 === 0 ? locks : { ...locks, users: [{ domainId: 1, userId: index }] },
            [{ domainId: 1, userId: 100 }],
            10,
          ),
        ),
      );
      for (const result of results) okValue(result);
      expect(await counterOf(store(), 100)).toBe(6);
    });

    it("takes keys given in any order without deadlocking", async () => {
      const a = { domainId: 1, userId: 101 };
      const b = { domainId: 1, userId: 102 };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          increment(store(), { users: index % 2 === 0 ? [a, b] : [b, a] }, [a, b], 5),
        ),
      );
      for (const result of results) okValue(result);
      expect(await counterOf(store(), 101)).toBe(10);
      expect(await counterOf(store(), 102)).toBe(10);
    });

    it("keeps every write of concurrent transactions on different keys (which may overlap)", async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => {
          const counter = { domainId: 1, userId: 200 + (index % 5) };
          return increment(store(), { users: [counter] }, [counter], 10);
        }),
      );
      for (const result of results) okValue(result);
      for (let userId = 200; userId < 205; userId++) {
        expect(await counterOf(store(), userId)).toBe(2);
      }
    });

    it("ping is true while the store is open", async () => {
      expect(await store().ping()).toBe(true);
      await write(store(), (s) => s.users.put(aUser(1, 1)));
      expect(await store().ping()).toBe(true);
    });

    it("after close, every call answers StoreUnavailable and none rejects", async () => {
      await write(store(), (s) => s.users.put(aUser(1, 1)));
      await store().close();
      const transaction = await store().transaction(
        { users: [{ domainId: 1, userId: 1 }] },
        async (s) => ok(await s.users.get(1, 1)),
      );
      expect(errKind(transaction)).toBe("StoreUnavailable");
      const empty = await store().transaction({}, async () => ok("no store call"));
      expect(errKind(empty)).toBe("StoreUnavailable");
      const reading = await store().read(async (s) => ok(await s.domains.list()));
      expect(errKind(reading)).toBe("StoreUnavailable");
      const dry = await store().discarding(async (uow) =>
        uow.read(async (s) => ok(await s.users.count(1))),
      );
      expect(errKind(dry)).toBe("StoreUnavailable");
      expect(await store().ping()).toBe(false);
      await store().close();
    });
  });
}
