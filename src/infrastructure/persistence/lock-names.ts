import type { LockKeys } from "../../application/ports/index.js";

/** The names of a transaction's lock keys, without repeats, in no particular order. */
export function lockNameSet(locks: LockKeys): Set<string> {
  const names = new Set<string>();
  for (const user of locks.users ?? []) names.add(`user:${user.domainId}:${user.userId}`);
  for (const key of locks.emailKeys ?? []) names.add(`email:${key}`);
  for (const id of locks.contactIds ?? []) names.add(`contact:${id}`);
  return names;
}

/** The names of a transaction's lock keys, sorted and without repeats. */
export const lockNames = (locks: LockKeys): string[] => [...lockNameSet(locks)].sort();
