import type { Knex } from "knex";
import type { LockKeys } from "../../../application/ports/index.js";
import { lockNames } from "../lock-names.js";

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

/** FNV-1a over the UTF-8 bytes, as a signed 64-bit integer (PostgreSQL's bigint). */
export function lockId(name: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) % TWO_64;
  }
  return hash >= TWO_63 ? hash - TWO_64 : hash;
}

/**
 * Takes the transaction-scoped advisory locks of every key, in ascending id order: the one
 * global order, so two transactions never wait on each other in a cycle. The locks hold across
 * processes and machines sharing the database and are released at commit or rollback.
 */
export async function takeAdvisoryLocks(trx: Knex.Transaction, locks: LockKeys): Promise<void> {
  const ids = [...new Set(lockNames(locks).map(lockId))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  if (ids.length === 0) return;
  await trx.raw("select pg_advisory_xact_lock(id) from unnest(?::bigint[]) as id", [
    ids.map(String),
  ]);
}
