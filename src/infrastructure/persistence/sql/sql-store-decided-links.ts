import type { Knex } from "knex";
import type {
  ListedUser,
  LockKeys,
  StoreDecidedLinks,
  StoreDecision,
  UndecidedBatch,
} from "../../../application/ports/index.js";
import {
  DEFAULT_LOCATION_TYPE,
  type Domain,
  displayNameFor,
  type EnsureLinkOutcome,
  foldName,
  type LinkTrigger,
  type UserId,
  verdictWithoutNames,
} from "../../../domain/index.js";
import { LOCK_SPACE, lockBuckets } from "./advisory-locks.js";
import { preparedStatement } from "./prepared-statement.js";
import { num } from "./rows.js";
import type { TableStatistics } from "./sql-bulk-links.js";
import { lostRace } from "./sql-errors.js";

/** A listed user as `civilink_link_listed` reads it (migration 006): what it can derive is left out. */
interface ListedRow {
  u: number;
  e?: string;
  f?: string;
  l?: string;
  n?: string;
  v?: false;
  k?: string;
  a?: string;
  cf?: string;
  cl?: string;
  cd?: string;
  ff?: string;
  fl?: string;
  fd?: string;
  lt?: string;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0x7f) return false;
  }
  return true;
}

/** The folded name where the function cannot fold it itself (not ASCII). */
const foldedUnlessAscii = (name: string | undefined) =>
  name === undefined || isAscii(name) ? undefined : foldName(name);

function listedRow({ user, email, contact }: ListedUser): ListedRow {
  const row: ListedRow = { u: user.userId };
  if (user.email !== undefined) row.e = user.email;
  if (user.firstName !== undefined) row.f = user.firstName;
  if (user.lastName !== undefined) row.l = user.lastName;
  if (user.name !== undefined) row.n = user.name;
  if (!email || !contact) {
    row.v = false;
    return row;
  }
  if (email.key !== user.email) row.k = email.key;
  if (email.address !== user.email) row.a = email.address;
  if (contact.firstName !== user.firstName) row.cf = contact.firstName ?? "";
  if (contact.lastName !== user.lastName) row.cl = contact.lastName ?? "";
  if (contact.displayName !== displayNameFor(contact, email.key)) row.cd = contact.displayName;
  const ff = foldedUnlessAscii(contact.firstName);
  const fl = foldedUnlessAscii(contact.lastName);
  const fd = foldedUnlessAscii(contact.displayName);
  if (ff !== undefined) row.ff = ff;
  if (fl !== undefined) row.fl = fl;
  if (fd !== undefined) row.fd = fd;
  const locationType = contact.emails[0]?.locationType;
  if (locationType !== undefined && locationType !== DEFAULT_LOCATION_TYPE) row.lt = locationType;
  return row;
}

const LINK_LISTED = preparedStatement(
  "civilink_link_listed",
  "select listed_user, answer from civilink_link_listed(?, ?::int[], ?, ?::json, ?::timestamptz, ?, ?)",
);

const UNDECIDED = new Set<string>(["users-changed", "shared-candidate"] satisfies UndecidedBatch[]);

/**
 * The store-decided batch of §9 on PostgreSQL: one call of `civilink_link_listed` (migration
 * 006), which takes the batch's locks and decides and writes in one statement. Outside a
 * transaction that call is one round trip and its own transaction; inside one (a dry run) it
 * runs in a savepoint, so that a lost race leaves the enclosing transaction usable.
 */
export class SqlStoreDecidedLinks implements StoreDecidedLinks {
  constructor(
    private readonly db: Knex,
    private readonly statistics: TableStatistics,
    private readonly locking: boolean,
  ) {}

  async linkListed(
    locks: LockKeys,
    domain: Domain,
    users: readonly ListedUser[],
    { trigger, now }: { trigger: LinkTrigger; now: Date },
  ): Promise<StoreDecision> {
    const verdict = verdictWithoutNames(domain.dedupeRule);
    if (verdict === null) return { kind: "undecided", reason: "names-decide" };
    const values = [
      LOCK_SPACE,
      this.locking ? lockBuckets(locks) : [],
      domain.id,
      JSON.stringify(users.map(listedRow)),
      now.toISOString(),
      trigger,
      verdict === "every",
    ];
    let rows: { listed_user: unknown; answer: string }[];
    try {
      rows = (this.db as Knex.Transaction).isTransaction
        ? await this.db.transaction((savepoint) => LINK_LISTED(savepoint, values))
        : await LINK_LISTED(this.db, values);
    } catch (cause) {
      if (lostRace(cause)) return { kind: "undecided", reason: "lost-race" };
      throw cause;
    }
    const [first] = rows;
    if (first && first.listed_user === null && UNDECIDED.has(first.answer)) {
      return { kind: "undecided", reason: first.answer as UndecidedBatch };
    }
    const outcomes = new Map<UserId, EnsureLinkOutcome["outcome"]>();
    let linked = 0;
    for (const row of rows) {
      const outcome = row.answer as EnsureLinkOutcome["outcome"];
      if (outcome === "linked-existing" || outcome === "created-contact") linked++;
      outcomes.set(num(row.listed_user), outcome);
    }
    if (linked > 0) this.statistics.grew(linked);
    return { kind: "decided", outcomes };
  }
}
