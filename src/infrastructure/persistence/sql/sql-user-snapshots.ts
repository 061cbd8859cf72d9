import type { Knex } from "knex";
import type { UserSnapshot, UserSnapshotReader } from "../../../application/ports/index.js";
import type { DomainId, UserId } from "../../../domain/index.js";
import { preparedStatement } from "./prepared-statement.js";
import {
  type DomainRow,
  domainOf,
  JOINED_LINK,
  type JoinedLinkColumns,
  joinedLinkOf,
  type UserRow,
  userOf,
} from "./rows.js";

/**
 * The domain, the user and its link in one statement: an already-linked user's event is
 * answered from this read alone, so it costs one round trip instead of three. Users and links
 * are written only for a domain that exists, and domains are never deleted, so no domain means
 * neither.
 */
const COLUMNS = `d.id, d.name, d.cms, d.sync_cms_email, d.dedupe_rule,
         u.user_id as u_user_id, u.email as u_email, u.username as u_username,
         u.first_name as u_first_name, u.last_name as u_last_name, u.name as u_name,
         ${JOINED_LINK}`;

const SNAPSHOT = preparedStatement(
  "civilink_user_snapshot",
  `
  select ${COLUMNS}
    from domains d
    left join users u on u.domain_id = d.id and u.user_id = ?
    left join links l on l.domain_id = d.id and l.user_id = ?
   where d.id = ?`,
);

/**
 * The snapshots of several (domain, user) pairs, each row saying which pair by its `ord`. Each
 * user and link is looked up through its key (`lateral … offset 0`): the planner guesses a
 * hundred pairs and could otherwise hash-join them against a scan of the whole directory.
 */
const SNAPSHOTS = preparedStatement(
  "civilink_user_snapshots",
  `
  select k.ord, ${COLUMNS}
    from unnest(?::integer[], ?::bigint[]) with ordinality as k(domain_id, user_id, ord)
    join domains d on d.id = k.domain_id
    left join lateral (
      select * from users u where u.domain_id = k.domain_id and u.user_id = k.user_id offset 0
    ) u on true
    left join lateral (
      select * from links l where l.domain_id = k.domain_id and l.user_id = k.user_id offset 0
    ) l on true`,
);

/** The most snapshots one statement reads. */
const MOST_IN_A_BATCH = 200;

interface SnapshotRow extends DomainRow, JoinedLinkColumns {
  u_user_id: unknown;
  u_email: string | null;
  u_username: string | null;
  u_first_name: string | null;
  u_last_name: string | null;
  u_name: string | null;
}

export class SqlUserSnapshots implements UserSnapshotReader {
  constructor(private readonly db: Knex) {}

  async snapshot(domainId: DomainId, userId: UserId): Promise<UserSnapshot> {
    const [row] = await SNAPSHOT<SnapshotRow>(this.db, [userId, userId, domainId]);
    return snapshotOf(row, userId);
  }
}

interface Pending {
  domainId: DomainId;
  userId: UserId;
  resolve(snapshot: UserSnapshot): void;
  reject(cause: unknown): void;
}

/**
 * Snapshots read outside a transaction on node-postgres, the snapshots asked for while the
 * event loop handles one round of input read together in one statement: under load, a
 * statement (and a round trip) for many logins instead of one each; when idle, one for one,
 * after the same turn of the loop. A read outside a transaction sees what was committed when
 * its statement ran, which is after each request in it arrived, so answers are as fresh as
 * with a statement each. Should the statement fail, every snapshot of it fails alike.
 */
export class BatchedUserSnapshots implements UserSnapshotReader {
  private pending: Pending[] = [];
  private readonly single: SqlUserSnapshots;

  constructor(private readonly db: Knex) {
    this.single = new SqlUserSnapshots(db);
  }

  snapshot(domainId: DomainId, userId: UserId): Promise<UserSnapshot> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ domainId, userId, resolve, reject });
    });
  }

  private flush() {
    const all = this.pending;
    this.pending = [];
    for (let start = 0; start < all.length; start += MOST_IN_A_BATCH)
      void this.read(all.slice(start, start + MOST_IN_A_BATCH));
  }

  private async read(batch: Pending[]) {
    try {
      if (batch.length === 1) {
        const [one] = batch as [Pending];
        one.resolve(await this.single.snapshot(one.domainId, one.userId));
        return;
      }
      const rows = await SNAPSHOTS<SnapshotRow & { ord: unknown }>(this.db, [
        batch.map((one) => one.domainId),
        batch.map((one) => one.userId),
      ]);
      const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
      batch.forEach((one, index) => {
        one.resolve(snapshotOf(byOrd.get(index + 1), one.userId));
      });
    } catch (cause) {
      for (const one of batch) one.reject(cause);
    }
  }
}

function snapshotOf(row: SnapshotRow | undefined, userId: UserId): UserSnapshot {
  if (!row) return { domain: null, user: null, link: null };
  const user: UserRow | null =
    row.u_user_id === null
      ? null
      : {
          domain_id: row.id,
          user_id: row.u_user_id,
          email: row.u_email,
          username: row.u_username,
          first_name: row.u_first_name,
          last_name: row.u_last_name,
          name: row.u_name,
        };
  return {
    domain: domainOf(row),
    user: user && userOf(user),
    link: joinedLinkOf(row, row.id, userId),
  };
}
