import type { Knex } from "knex";
import type {
  DirectoryCounts,
  DirectoryFilter,
  Page,
  PageRequest,
  UserDirectory,
} from "../../../application/ports/index.js";
import type { CmsUser, DomainId, UserId } from "../../../domain/index.js";
import { keysetPage } from "./keyset.js";
import { num, type UserRow, userOf, userRowOf } from "./rows.js";

/** 7 parameters a row: far below PostgreSQL's 65535 bind parameters a statement. */
const MAX_ROWS_PER_STATEMENT = 1000;

const PROFILE_COLUMNS = ["email", "username", "first_name", "last_name", "name"];

/** Consecutive chunks of at most `size` users, none holding the same user twice. */
function* distinctChunks(users: readonly CmsUser[], size: number): Generator<CmsUser[]> {
  let chunk: CmsUser[] = [];
  let keys = new Set<string>();
  for (const user of users) {
    const key = `${user.domainId}:${user.userId}`;
    if (chunk.length >= size || keys.has(key)) {
      yield chunk;
      chunk = [];
      keys = new Set();
    }
    chunk.push(user);
    keys.add(key);
  }
  if (chunk.length > 0) yield chunk;
}

export class SqlUsers implements UserDirectory {
  constructor(private readonly db: Knex) {}

  async get(domainId: DomainId, userId: UserId): Promise<CmsUser | null> {
    const row = (await this.db("users").where({ domain_id: domainId, user_id: userId }).first()) as
      | UserRow
      | undefined;
    return row ? userOf(row) : null;
  }

  async put(user: CmsUser): Promise<void> {
    await this.db("users").insert(userRowOf(user)).onConflict(["domain_id", "user_id"]).merge();
  }

  /**
   * One multi-row upsert per chunk; `xmax = 0` holds for a row this statement inserted and
   * not for one it updated. PostgreSQL refuses to update a row twice in one statement, so a
   * user given twice starts a new chunk.
   */
  async putMany(users: readonly CmsUser[]): Promise<{ inserted: number; updated: number }> {
    let inserted = 0;
    for (const chunk of distinctChunks(users, MAX_ROWS_PER_STATEMENT)) {
      const rows = (await this.db("users")
        .insert(chunk.map(userRowOf))
        .onConflict(["domain_id", "user_id"])
        .merge(PROFILE_COLUMNS)
        .returning(this.db.raw("(xmax = 0) as inserted") as never)) as { inserted: boolean }[];
      inserted += rows.filter((row) => row.inserted).length;
    }
    return { inserted, updated: users.length - inserted };
  }

  async remove(domainId: DomainId, userId: UserId): Promise<boolean> {
    // Rows returned rather than a count: knex-pglite answers a delete with no row count.
    const removed = (await this.db("users")
      .where({ domain_id: domainId, user_id: userId })
      .delete()
      .returning("user_id")) as unknown[];
    return removed.length > 0;
  }

  /** The filter is part of the keyset query, so that a page is full when there are more. */
  list(
    domainId: DomainId,
    page: PageRequest,
    filter: DirectoryFilter = {},
  ): Promise<Page<CmsUser>> {
    const query = this.db("users").where("domain_id", domainId);
    if (filter.linked !== undefined) {
      const link = this.db("links")
        .select(this.db.raw("1"))
        .whereRaw("links.domain_id = users.domain_id and links.user_id = users.user_id");
      if (filter.linked) query.whereExists(link);
      else query.whereNotExists(link);
    }
    return keysetPage(query, "user_id", page, userOf);
  }

  async userIdsBetween(
    domainId: DomainId,
    after: UserId | 0,
    upTo: UserId | null,
    limit: number,
  ): Promise<UserId[]> {
    const query = this.db("users")
      .where("domain_id", domainId)
      .andWhere("user_id", ">", after)
      .orderBy("user_id")
      .limit(limit)
      .pluck("user_id");
    if (upTo !== null) query.andWhere("user_id", "<=", upTo);
    return ((await query) as unknown[]).map(num);
  }

  /** Three counts in one statement, so in one snapshot. */
  async countWithLinks(domainId: DomainId): Promise<DirectoryCounts> {
    const { rows } = (await this.db.raw(
      `select (select count(*) from users where domain_id = ?) as users,
              (select count(*) from users u
                 join links l on l.domain_id = u.domain_id and l.user_id = u.user_id
                where u.domain_id = ?) as linked_users,
              (select count(*) from links where domain_id = ?) as links`,
      [domainId, domainId, domainId],
    )) as { rows: { users: unknown; linked_users: unknown; links: unknown }[] };
    const row = rows[0];
    return { users: num(row?.users), linkedUsers: num(row?.linked_users), links: num(row?.links) };
  }

  async count(domainId: DomainId): Promise<number> {
    const row = (await this.db("users")
      .where("domain_id", domainId)
      .count({ count: "*" })
      .first()) as { count: unknown } | undefined;
    return num(row?.count ?? 0);
  }
}
