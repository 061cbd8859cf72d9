import { err, ok, type ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  ConcurrentWriteError,
  type Contact,
  defaultDomain,
  type Link,
  MemoryStore,
  type StoreError,
  type StoreRuntime,
  type Stores,
} from "../../../src/index.js";
import { aLink, anIndividual, T0 } from "../../support/builders.js";
import { FaultyStore } from "../../support/faulty-store.js";
import { gate } from "../../support/gate.js";
import { expectErr, expectOk } from "../../support/results.js";

const newStore = () => MemoryStore.create({ domains: [defaultDomain("drupal")] });

/** Writes one of everything, as a transaction would. */
async function writeEverything(stores: Stores) {
  const contact = await stores.contacts.create(anIndividual(["a@x.org"]), T0);
  await stores.links.insert(aLink(1, 5, contact.id, "a@x.org"));
  await stores.users.put({ domainId: 1, userId: 5, email: "a@x.org" });
  await stores.audit.append({
    at: T0,
    domainId: 1,
    userId: 5,
    contactId: contact.id,
    action: "created-contact",
    trigger: "login",
  });
  await stores.outbox.append({
    type: "user.email-changed",
    domainId: 1,
    userId: 5,
    email: "a@x.org",
    at: T0,
  });
  await stores.domains.put({ ...defaultDomain("joomla"), id: 2 });
  return contact;
}

/** Everything the store holds that writeEverything touches. */
const contents = (store: MemoryStore) =>
  expectOk(
    store.read(async (stores) =>
      ok({
        contacts: await stores.contacts.findByEmailKey("a@x.org", { includeDeleted: true }),
        link: await stores.links.findByUser(1, 5),
        users: await stores.users.list(1, { limit: 10 }),
        audit: await stores.audit.list(1, {}, { limit: 10 }),
        outbox: await stores.outbox.list(1, { limit: 10 }),
        domains: await stores.domains.list(),
      }),
    ),
  );

const EMPTY = {
  contacts: [],
  link: null,
  users: { items: [], next: null },
  audit: { items: [], next: null },
  outbox: { items: [], next: null },
  domains: [defaultDomain("drupal")],
};

describe("MemoryStore transactions", () => {
  it("commits the work when it returns ok", async () => {
    const store = newStore();
    const contact = await expectOk(
      store.transaction({}, async (stores) => ok(await writeEverything(stores))),
    );
    const after = await contents(store);
    expect(after.contacts).toEqual([contact]);
    expect(after.link).toEqual(aLink(1, 5, contact.id, "a@x.org"));
    expect(after.users.items).toHaveLength(1);
    expect(after.audit.items).toHaveLength(1);
    expect(after.outbox.items).toHaveLength(1);
    expect(after.domains.map((domain) => domain.id)).toEqual([1, 2]);
  });

  it("rolls every write back when the work returns an error", async () => {
    const store = newStore();
    const error = await expectErr(
      store.transaction({}, async (stores) => {
        await writeEverything(stores);
        return err({ kind: "Refused" as const });
      }),
    );
    expect(error).toEqual({ kind: "Refused" });
    expect(await contents(store)).toEqual(EMPTY);
  });

  it("rolls every write back when the work rejects, and answers StoreFailed", async () => {
    const store = newStore();
    const error = await expectErr(
      store.transaction({}, async (stores) => {
        await writeEverything(stores);
        throw new Error("bug");
      }),
    );
    expect(error).toEqual({ kind: "StoreFailed", message: expect.any(String) });
    expect(await contents(store)).toEqual(EMPTY);
  });

  it("a rollback restores replaced and removed rows as they were", async () => {
    const store = newStore();
    const contact = await expectOk(
      store.transaction({}, async (stores) => ok(await writeEverything(stores))),
    );
    const before = await contents(store);
    await expectErr(
      store.transaction({}, async (stores) => {
        await stores.users.put({ domainId: 1, userId: 5, email: "z@x.org" });
        await stores.users.remove(1, 5);
        await stores.links.updateUfName(1, 5, "z@x.org", T0);
        await stores.links.remove(1, 5);
        await stores.contacts.setPrimaryEmail(contact.id, "z@x.org");
        await stores.contacts.rename(contact.id, { firstName: "Z" }, "Z");
        await stores.contacts.moveToTrash(contact.id);
        await stores.domains.put({ ...defaultDomain("wordpress"), id: 1 });
        return err("no");
      }),
    );
    expect(await contents(store)).toEqual(before);
    const byNewEmail = await expectOk(
      store.read(async (stores) => ok(await stores.contacts.findByEmailKey("z@x.org"))),
    );
    expect(byNewEmail).toEqual([]);
  });

  it("retries the whole work after a ConcurrentWriteError", async () => {
    const store = newStore();
    let runs = 0;
    const value = await expectOk(
      store.transaction({}, async (stores) => {
        runs++;
        await stores.users.put({ domainId: 1, userId: runs, email: "a@x.org" });
        if (runs < 3) throw new ConcurrentWriteError("again");
        return ok(runs);
      }),
    );
    expect(value).toBe(3);
    const users = await expectOk(
      store.read(async (stores) => ok(await stores.users.list(1, { limit: 10 }))),
    );
    expect(users.items.map((user) => user.userId)).toEqual([3]);
  });

  it("serialises transactions sharing a lock key, not the others", async () => {
    const store = newStore();
    const events: string[] = [];
    const firstMayEnd = gate();
    const first = store.transaction({ emailKeys: ["a@x.org"] }, async () => {
      events.push("first:start");
      await firstMayEnd.opened;
      events.push("first:end");
      return ok(1);
    });
    const second = store.transaction(
      { emailKeys: ["a@x.org"], users: [{ domainId: 1, userId: 2 }] },
      async () => {
        events.push("second");
        return ok(2);
      },
    );
    const other = store.transaction({ emailKeys: ["b@x.org"] }, async () => {
      events.push("other");
      return ok(3);
    });
    await expectOk(other);
    expect(events).toEqual(["first:start", "other"]);
    firstMayEnd.open();
    expect(await expectOk(second)).toBe(2);
    expect(await expectOk(first)).toBe(1);
    expect(events).toEqual(["first:start", "other", "first:end", "second"]);
  });

  it("answers copies: changing a returned row does not change the store", async () => {
    const store = newStore();
    const created = await expectOk(
      store.transaction({}, async (stores) =>
        ok(await stores.contacts.create(anIndividual(["a@x.org"]), T0)),
      ),
    );
    created.displayName = "changed";
    (created.emails[0] as { email: string }).email = "changed@x.org";
    const stored = await expectOk(
      store.read(async (stores) => ok(await stores.contacts.findById(created.id))),
    );
    expect(stored).toMatchObject({ displayName: "a@x.org", emails: [{ email: "a@x.org" }] });
  });
});

describe("MemoryStore invariants (§1)", () => {
  const insert = (store: MemoryStore, link: Link) =>
    store.transaction({}, async (stores) => {
      try {
        return ok(await stores.links.insert(link));
      } catch (cause) {
        return err(cause instanceof ConcurrentWriteError ? "ConcurrentWriteError" : "other");
      }
    });

  it("refuses a second link of a user or of a contact in a domain", async () => {
    const store = newStore();
    await expectOk(
      store.transaction({}, async (stores) =>
        ok(await stores.domains.put({ ...defaultDomain("drupal"), id: 2 })),
      ),
    );
    await expectOk(insert(store, aLink(1, 5, 1, "a@x.org")));
    expect(await expectErr(insert(store, aLink(1, 5, 2, "a@x.org")))).toBe("ConcurrentWriteError");
    expect(await expectErr(insert(store, aLink(1, 6, 1, "a@x.org")))).toBe("ConcurrentWriteError");
    await expectOk(insert(store, aLink(2, 5, 1, "a@x.org")));
    await expectOk(insert(store, aLink(1, 6, 2, "a@x.org")));
    const sameUfName = await expectOk(
      store.read(async (stores) => ok(await stores.links.findByUfNameKey(1, "a@x.org"))),
    );
    expect(sameUfName.map((link) => link.userId).sort()).toEqual([5, 6]);
  });

  it("a removed link frees both the user and the contact", async () => {
    const store = newStore();
    await expectOk(insert(store, aLink(1, 5, 1, "a@x.org")));
    await expectOk(store.transaction({}, async (stores) => ok(await stores.links.remove(1, 5))));
    await expectOk(insert(store, aLink(1, 6, 1, "a@x.org")));
    await expectOk(insert(store, aLink(1, 5, 2, "a@x.org")));
  });
});

describe("MemoryStore discarding and offline", () => {
  it("a discarding unit of work sees its own writes, which are gone afterwards", async () => {
    const store = newStore();
    const seen = await expectOk(
      store.discarding(async (uow) => {
        await uow.transaction({}, async (stores) => ok(await writeEverything(stores)));
        return uow.read(async (stores) => ok(await stores.contacts.findByEmailKey("a@x.org")));
      }),
    );
    expect(seen).toHaveLength(1);
    expect(await contents(store)).toEqual(EMPTY);
  });

  type Use = (store: StoreRuntime) => ResultAsync<unknown, StoreError>;
  it.each<[string, Use]>([
    [
      "read",
      (store: StoreRuntime) => store.read(async (stores) => ok(await stores.domains.list())),
    ],
    [
      "transaction",
      (store: StoreRuntime) =>
        store.transaction({ emailKeys: ["a@x.org"] }, async (stores) =>
          ok(await stores.domains.list()),
        ),
    ],
    ["discarding", (store: StoreRuntime) => store.discarding(async () => ok(1))],
  ])("%s on an offline store is StoreUnavailable without throwing", async (_name, use) => {
    const store = new FaultyStore(newStore());
    store.offline = true;
    let pending: ResultAsync<unknown, StoreError> | undefined;
    expect(() => {
      pending = use(store);
    }).not.toThrow();
    expect(await expectErr(pending as ResultAsync<unknown, StoreError>)).toEqual({
      kind: "StoreUnavailable",
      message: expect.any(String),
    });
    store.offline = false;
    await expectOk(use(store));
  });

  it("an offline store releases its locks", async () => {
    const store = new FaultyStore(newStore());
    store.offline = true;
    await expectErr(
      store.transaction({ emailKeys: ["a@x.org"] }, async (stores) =>
        ok(await stores.domains.list()),
      ),
    );
    store.offline = false;
    const contacts: Contact[] = await expectOk(
      store.transaction({ emailKeys: ["a@x.org"] }, async (stores) =>
        ok(await stores.contacts.findByEmailKey("a@x.org")),
      ),
    );
    expect(contacts).toEqual([]);
  });
});

describe("MemoryStore paging", () => {
  it("pages the directory by userId with next keys, null at the end", async () => {
    const store = newStore();
    await expectOk(
      store.transaction({}, async (stores) => {
        for (const userId of [9, 2, 7, 4, 1]) await stores.users.put({ domainId: 1, userId });
        return ok(undefined);
      }),
    );
    const page = (after?: number) =>
      expectOk(
        store.read(async (stores) =>
          ok(await stores.users.list(1, after === undefined ? { limit: 2 } : { limit: 2, after })),
        ),
      );
    const first = await page();
    expect(first.items.map((user) => user.userId)).toEqual([1, 2]);
    expect(first.next).toBe(2);
    const second = await page(2);
    expect(second.items.map((user) => user.userId)).toEqual([4, 7]);
    const third = await page(second.next ?? 0);
    expect(third).toEqual({ items: [{ domainId: 1, userId: 9 }], next: null });
    expect(await page(3)).toMatchObject({ items: [{ userId: 4 }, { userId: 7 }] });
    expect(await page(9)).toEqual({ items: [], next: null });
    expect(await expectOk(store.read(async (stores) => ok(await stores.users.count(1))))).toBe(5);
  });
});
