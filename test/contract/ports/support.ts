import { ok, type Result } from "neverthrow";
import { afterEach, beforeEach } from "vitest";
import type {
  CmsUser,
  ContactEmail,
  ContactId,
  Domain,
  DomainId,
  Link,
  LockKeys,
  NewContact,
  StoreRuntime,
  Stores,
  UnitOfWork,
  UserId,
} from "../../../src/index.js";

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

/** The value of a result that must be ok; its error value is shown when it is not. */
export function okValue<T, E>(result: Result<T, E>): T {
  if (result.isErr()) throw new Error(`Expected ok, got err ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error value of a result that must be an error. */
export function errorOf<T, E>(result: Result<T, E>): E {
  if (result.isOk()) throw new Error(`Expected err, got ok ${JSON.stringify(result.value)}`);
  return result.error;
}

/** The `kind` of the error value of a result that must be an error (a StoreError's kind). */
export function errorKindOf<T, E>(result: Result<T, E>): unknown {
  const error = errorOf(result);
  return typeof error === "object" && error !== null ? (error as { kind?: unknown }).kind : error;
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

/** Times with millisecond precision, which every store keeps exactly. */
export const T0 = new Date("2024-03-04T05:06:07.089Z");
export const T1 = new Date("2024-03-05T01:02:03.004Z");
export const T2 = new Date("2024-03-06T10:20:30.405Z");

export const email = (address: string, isPrimary = false, locationType = "Home"): ContactEmail => ({
  email: address,
  isPrimary,
  locationType,
});

/** An Individual with these emails (the first one primary unless emails are given whole). */
export function individual(
  emails: string[] | ContactEmail[],
  name: { firstName?: string; lastName?: string } = {},
): NewContact {
  const list = emails.map((entry, index) =>
    typeof entry === "string" ? email(entry, index === 0) : entry,
  );
  const displayName = [name.firstName, name.lastName].filter(Boolean).join(" ");
  return {
    contactType: "Individual",
    ...name,
    displayName: displayName || list[0]?.email || "",
    emails: list,
  };
}

/** Creates contacts in one committed transaction and gives their ids, in the order given. */
export function createContacts(uow: UnitOfWork, ...contacts: NewContact[]): Promise<ContactId[]> {
  return write(uow, async (stores) => {
    const ids: ContactId[] = [];
    for (const contact of contacts) ids.push((await stores.contacts.create(contact, T0)).id);
    return ids;
  });
}

export function aDomain(id: DomainId, overrides: Partial<Domain> = {}): Domain {
  return {
    id,
    name: `Domain ${id}`,
    cms: "wordpress",
    syncCmsEmail: true,
    dedupeRule: { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 },
    ...overrides,
  };
}

/** Puts domains beside domain 1 (links and users of a domain need it to exist). */
export function putDomains(uow: UnitOfWork, ...ids: DomainId[]): Promise<void> {
  return write(uow, async (stores) => {
    for (const id of ids) await stores.domains.put(aDomain(id));
  });
}

export function aLink(
  domainId: DomainId,
  userId: UserId,
  contactId: ContactId,
  ufName: string,
  at: Date = T0,
): Link {
  return { domainId, userId, contactId, ufName, createdAt: at, updatedAt: at };
}

export const aUser = (
  domainId: DomainId,
  userId: UserId,
  profile: Omit<CmsUser, "domainId" | "userId"> = {},
): CmsUser => ({ domainId, userId, ...profile });
