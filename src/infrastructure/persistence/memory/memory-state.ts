import type { OutboxEvent } from "../../../application/ports/index.js";
import type { AuditEntry, CmsUser, Contact, Domain, Link } from "../../../domain/index.js";

/** Everything the in-memory store holds. Plain data, so that `structuredClone` copies it. */
export interface MemoryTables {
  domains: Map<number, Domain>;
  contacts: Map<number, Contact>;
  /** email key → ids of the contacts having an email with that key */
  contactsByEmail: Map<string, Set<number>>;
  nextContactId: number;
  /** `${domainId}:${userId}` → link */
  links: Map<string, Link>;
  /** `${domainId}:${contactId}` → `${domainId}:${userId}` */
  linkByContact: Map<string, string>;
  /** domainId → userId → user */
  users: Map<number, Map<number, CmsUser>>;
  audit: (AuditEntry & { seq: number })[];
  outbox: (OutboxEvent & { seq: number })[];
  nextSeq: number;
}

export const emptyTables = (): MemoryTables => ({
  domains: new Map(),
  contacts: new Map(),
  contactsByEmail: new Map(),
  nextContactId: 1,
  links: new Map(),
  linkByContact: new Map(),
  users: new Map(),
  audit: [],
  outbox: [],
  nextSeq: 1,
});

/** Records how to undo each write of a transaction, so that a rollback restores the tables. */
export class Journal {
  private readonly undos: (() => void)[] = [];

  record(undo: () => void) {
    this.undos.push(undo);
  }

  rollback() {
    for (const undo of this.undos.reverse()) undo();
    this.undos.length = 0;
  }
}

/** Sets `map[key] = value` and journals how to restore the previous entry. */
export function journaledSet<K, V>(journal: Journal | null, map: Map<K, V>, key: K, value: V) {
  const had = map.has(key);
  const before = map.get(key);
  map.set(key, value);
  journal?.record(() => (had ? map.set(key, before as V) : map.delete(key)));
}

export function journaledDelete<K, V>(journal: Journal | null, map: Map<K, V>, key: K) {
  if (!map.has(key)) return;
  const before = map.get(key) as V;
  map.delete(key);
  journal?.record(() => map.set(key, before));
}

export function journaledPush<T>(journal: Journal | null, list: T[], item: T) {
  list.push(item);
  journal?.record(() => {
    const index = list.lastIndexOf(item);
    if (index >= 0) list.splice(index, 1);
  });
}

export const copy = <T>(value: T): T => structuredClone(value);
