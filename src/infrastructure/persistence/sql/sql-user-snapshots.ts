import type { Knex } from "knex";
import type { UserSnapshot, UserSnapshotReader } from "../../../application/ports/index.js";
import type { DomainId, UserId } from "../../../domain/index.js";
import { preparedStatement } from "./prepared-statement.js";
import { type DomainRow, domainOf, type LinkRow, linkOf, type UserRow, userOf } from "./rows.js";

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
         l.user_id as l_user_id, l.contact_id as l_contact_id, l.uf_name as l_uf_name,
         l.created_at as l_created_at, l.updated_at as l_updated_at
    from domains d
    left join users u on u.domain_id = d.id and u.user_id = ?
    left join links l on l.domain_id = d.id and l.user_id = ?
   where d.id = ?`,
);

interface SnapshotRow extends DomainRow {
  u_user_id: unknown;
  u_email: string | null;
  u_username: string | null;
  u_first_name: string | null;
  u_last_name: string | null;
  u_name: string | null;
  l_user_id: unknown;
  l_contact_id: unknown;
  l_uf_name: string;
  l_created_at: Date;
  l_updated_at: Date;
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
    const link: LinkRow | null =
      row.l_user_id === null
        ? null
        : {
            domain_id: row.id,
            user_id: row.l_user_id,
            contact_id: row.l_contact_id,
            uf_name: row.l_uf_name,
            created_at: row.l_created_at,
            updated_at: row.l_updated_at,
          };
    return {
      domain: domainOf(row),
      user: user && userOf(user),
      link: link && linkOf(link),
    };
  }
}
