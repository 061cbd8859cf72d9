import type { Knex } from "knex";
import type {
  ListedUser,
  LockKeys,
  StoreDecidedLinks,
  StoreDecision,
  UndecidedBatch,
} from "../../../application/ports/index.js";
import {
  type Domain,
  type EnsureLinkOutcome,
  type LinkTrigger,
  type UserId,
  verdictWithoutNames,
} from "../../../domain/index.js";
import { LOCK_SPACE, lockBuckets } from "./advisory-locks.js";
import type { JsonRow } from "./json-rows.js";
import { preparedStatement } from "./prepared-statement.js";
import { foldedNameColumns, num } from "./rows.js";
import type { TableStatistics } from "./sql-bulk-links.js";
import { lostRace } from "./sql-errors.js";

/** The fields of `civilink_link_listed`'s listed users (migration 006), in its order. */
const LISTED_FIELDS = {
  ord: "int",
  user_id: "bigint",
  email: "text?",
  first_name: "text?",
  last_name: "text?",
  name: "text?",
  key: "text?",
  uf_name: "text?",
  contact_first: "text?",
  contact_last: "text?",
  contact_display: "text?",
  first_folded: "text?",
  last_folded: "text?",
  display_folded: "text?",
  location_type: "text?",
} as const;

const LINK_LISTED = preparedStatement(
  "civilink_link_listed",
  "select listed_user, answer from civilink_link_listed(?, ?::int[], ?, ?::json, ?::timestamptz, ?, ?)",
);

const UNDECIDED = new Set<string>(["users-changed", "shared-candidate"] satisfies UndecidedBatch[]);

function listedRow(
  { user, email, contact }: ListedUser,
  ord: number,
): JsonRow<typeof LISTED_FIELDS> {
  const folded = contact ? foldedNameColumns(contact) : null;
  return {
    ord,
    user_id: user.userId,
    email: user.email ?? null,
    first_name: user.firstName ?? null,
    last_name: user.lastName ?? null,
    name: user.name ?? null,
    key: email?.key ?? null,
    uf_name: email?.address ?? null,
    contact_first: contact?.firstName ?? null,
    contact_last: contact?.lastName ?? null,
    contact_display: contact?.displayName ?? null,
    first_folded: folded?.first_name_folded ?? null,
    last_folded: folded?.last_name_folded ?? null,
    display_folded: folded?.display_name_folded ?? null,
    location_type: contact?.emails[0]?.locationType ?? null,
  };
}

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
    if (linked > 0) await this.statistics.grew(this.db, linked);
    return { kind: "decided", outcomes };
  }
}
