import { ok } from "neverthrow";
import { afterEach, beforeEach } from "vitest";
import type {
  ContactId,
  DomainId,
  LockKeys,
  NewContact,
  StoreRuntime,
  Stores,
  UnitOfWork,
} from "../../../src/index.js";
import { aDomain, T0 } from "../../support/builders.js";
import { okValue } from "../../support/results.js";

/** Gives a fresh, empty store holding domain 1 only (drupal), as test/support/test-stores.ts does. */
export type MakeStore = () => Promise<StoreRuntime>;

/**
 * A fresh store for every test of the enclosing `describe`, closed after it; call the
 * returned function inside a test to reach it.
 */
export function freshStorePerTest(makeStore: MakeStore): () => StoreRuntime {
  let store: StoreRuntime | null = null;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    const closing = store;
    store = null;
    await closing?.close();
  });
  return () => {
    if (!store) throw new Error("The store is only there inside a test.");
    return store;
  };
}

/** Runs `work` in a transaction that must commit, and gives its value. */
export async function write<T>(
  uow: UnitOfWork,
  work: (stores: Stores) => Promise<T>,
  locks: LockKeys = {},
): Promise<T> {
  return okValue(await uow.transaction(locks, async (stores) => ok(await work(stores))));
}

/** Runs `work` through `read()`, which must succeed, and gives its value. */
export async function read<T>(uow: UnitOfWork, work: (stores: Stores) => Promise<T>): Promise<T> {
  return okValue(await uow.read(async (stores) => ok(await work(stores))));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates contacts in one committed transaction and gives their ids, in the order given. */
export function createContacts(uow: UnitOfWork, ...contacts: NewContact[]): Promise<ContactId[]> {
  return write(uow, async (stores) => {
    const ids: ContactId[] = [];
    for (const contact of contacts) ids.push((await stores.contacts.create(contact, T0)).id);
    return ids;
  });
}

/** Puts domains beside domain 1 (links and users of a domain need it to exist). */
export function putDomains(uow: UnitOfWork, ...ids: DomainId[]): Promise<void> {
  return write(uow, async (stores) => {
    for (const id of ids) await stores.domains.put(aDomain(id));
  });
}
