import type { Knex } from "knex";
import type { LockKeys } from "../../../application/ports/index.js";
import { lockNameSet } from "../lock-names.js";
import { preparedStatement } from "./prepared-statement.js";

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

const utf8 = new TextEncoder();

/**
 * FNV-1a over the UTF-8 bytes, as a signed 64-bit integer (PostgreSQL's bigint): the one-key
 * advisory lock of a name that is not a lock key (the migration lock of a schema).
 */
export function lockId(name: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of utf8.encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) % TWO_64;
  }
  return hash >= TWO_63 ? hash - TWO_64 : hash;
}

/**
 * How many advisory locks all lock keys share. Every key (user, email key, contact) maps to one
 * of these buckets, so no transaction ever holds more than this many locks, however many keys
 * it serialises on: PostgreSQL keeps them in one shared table of about
 * max_locks_per_transaction × max_connections slots (64 × 100 by default), and a transaction
 * that overflows it fails with "out of shared memory". Two keys of one bucket only queue
 * together.
 */
export const LOCK_BUCKETS = 4096;

/**
 * The first key of civilink's two-key advisory locks, `pg_advisory_xact_lock(LOCK_SPACE,
 * bucket)` ("cvlk"): apart from other applications' locks on the same database, and from the
 * one-key locks of `lockId`, which PostgreSQL keeps in a separate space.
 */
export const LOCK_SPACE = 0x63766c6b;

/** FNV-1a (32 bits) over the UTF-8 bytes, mixed by MurmurHash3's finaliser, modulo the buckets. */
export function lockBucket(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    // ASCII is its own UTF-8; anything else goes through the encoder.
    if (code >= 0x80) return bucketOf(fnv1a(utf8.encode(name)));
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return bucketOf(hash);
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash;
}

function bucketOf(fnv: number): number {
  let hash = Math.imul(fnv ^ (fnv >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) % LOCK_BUCKETS;
}

/** The buckets of every key, ascending and without repeats: the order they are taken in. */
export function lockBuckets(locks: LockKeys): number[] {
  const buckets = new Set<number>();
  for (const name of lockNameSet(locks)) buckets.add(lockBucket(name));
  return [...buckets].sort((a, b) => a - b);
}

const TAKE_LOCKS = preparedStatement(
  "civilink_advisory_locks",
  "select pg_advisory_xact_lock(?, bucket) from unnest(?::int[]) as bucket",
);

/**
 * Takes the transaction-scoped advisory locks of every key's bucket, in ascending order: the
 * one global order, so two transactions never wait on each other in a cycle. The locks hold
 * across processes and machines sharing the database and are released at commit or rollback.
 * Every process must map keys to buckets the same way (see docs/storage.md).
 */
export async function takeAdvisoryLocks(trx: Knex.Transaction, locks: LockKeys): Promise<void> {
  const buckets = lockBuckets(locks);
  if (buckets.length === 0) return;
  await TAKE_LOCKS(trx, [LOCK_SPACE, buckets]);
}
