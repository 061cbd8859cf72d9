import { ok } from "neverthrow";
import type {
  AuditEntry,
  CmsUser,
  Contact,
  Domain,
  DomainId,
  Link,
  OutboxEvent,
  Page,
  PageRequest,
  Stores,
  UnitOfWork,
} from "../../../src/index.js";
import { type PlannedEvent, resolveEvent } from "./invariant-scenarios.js";

/** Everything the store holds, read in one go between two steps. */
export interface StoreSnapshot {
  domains: Domain[];
  /** By id; contacts are never removed (only trashed), so ids run from 1 without gaps. */
  contacts: Contact[];
  links: Link[];
  users: CmsUser[];
  /** Per domain, oldest first. */
  audit: Map<DomainId, AuditEntry[]>;
  outbox: Map<DomainId, OutboxEvent[]>;
}

const PAGE_LIMIT = 1000;

async function allPages<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let after: number | undefined;
  do {
    const page = await list(
      after === undefined ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, after },
    );
    items.push(...page.items);
    after = page.next ?? undefined;
  } while (after !== undefined);
  return items;
}

async function allContacts(stores: Stores): Promise<Contact[]> {
  const contacts: Contact[] = [];
  for (let id = 1; ; id++) {
    const contact = await stores.contacts.findById(id);
    if (!contact) return contacts;
    contacts.push(contact);
  }
}

async function readEverything(stores: Stores): Promise<StoreSnapshot> {
  const domains = await stores.domains.list();
  const snapshot: StoreSnapshot = {
    domains,
    contacts: await allContacts(stores),
    links: [],
    users: [],
    audit: new Map(),
    outbox: new Map(),
  };
  for (const { id } of domains) {
    snapshot.links.push(...(await allPages((page) => stores.links.list(id, {}, page))));
    snapshot.users.push(...(await allPages((page) => stores.users.list(id, page))));
    snapshot.audit.set(id, await allPages((page) => stores.audit.list(id, {}, page)));
    snapshot.outbox.set(id, await allPages((page) => stores.outbox.list(id, page)));
  }
  return snapshot;
}

/** Reads the whole store through its raw repositories; throws if the store cannot be read. */
export async function takeSnapshot(store: UnitOfWork): Promise<StoreSnapshot> {
  const result = await store.read(async (stores) => ok(await readEverything(stores)));
  if (result.isErr()) throw new Error(`Could not read the store: ${result.error.message}`);
  return result.value;
}

// --- lookups used by the checks --------------------------------------------------------------

export const userKey = (domainId: DomainId, userId: number) => `${domainId}:${userId}`;

export const linkOf = (snapshot: StoreSnapshot, domainId: DomainId, userId: number) =>
  snapshot.links.find((link) => link.domainId === domainId && link.userId === userId);

export const userOf = (snapshot: StoreSnapshot, domainId: DomainId, userId: number) =>
  snapshot.users.find((user) => user.domainId === domainId && user.userId === userId);

export const contactOf = (snapshot: StoreSnapshot, contactId: number) =>
  snapshot.contacts.find((contact) => contact.id === contactId);

export const domainOf = (snapshot: StoreSnapshot, domainId: DomainId) =>
  snapshot.domains.find((domain) => domain.id === domainId);

/** The audit entries a step appended in a domain (the log is append-only). */
export const auditAddedIn = (pre: StoreSnapshot, post: StoreSnapshot, domainId: DomainId) =>
  (post.audit.get(domainId) ?? []).slice((pre.audit.get(domainId) ?? []).length);

export const outboxAddedIn = (pre: StoreSnapshot, post: StoreSnapshot, domainId: DomainId) =>
  (post.outbox.get(domainId) ?? []).slice((pre.outbox.get(domainId) ?? []).length);

/** The step's events with each contact reference turned into the id it means at the start. */
export const resolveEvents = (planned: readonly PlannedEvent[], pre: StoreSnapshot) =>
  planned.map((event) =>
    resolveEvent(event, (user) => linkOf(pre, user.domainId, user.userId)?.contactId),
  );
