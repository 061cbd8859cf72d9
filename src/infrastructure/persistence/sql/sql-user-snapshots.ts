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
const SNAPSHOT = preparedStatement(
  "civilink_user_snapshot",
  `
  select d.id, d.name, d.cms, d.sync_cms_email, d.dedupe_rule,
         u.user_id as u_user_id, u.email as u_email, u.username as u_username,
         u.first_name as u_first_name, u.last_name as u_last_name, u.name as u_name,
         ${JOINED_LINK}
    from domains d
    left join users u on u.domain_id = d.id and u.user_id = ?
    left join links l on l.domain_id = d.id and l.user_id = ?
   where d.id = ?`,
);

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
}
