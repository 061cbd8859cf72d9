import type { Knex } from "knex";
import type { Page, PageRequest, UserDirectory } from "../../../application/ports/index.js";
import type { CmsUser, DomainId, UserId } from "../../../domain/index.js";
import { keysetPage } from "./keyset.js";
import { num, type UserRow, userOf, userRowOf } from "./rows.js";

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

  async remove(domainId: DomainId, userId: UserId): Promise<boolean> {
    // Rows returned rather than a count: knex-pglite answers a delete with no row count.
    const removed = (await this.db("users")
      .where({ domain_id: domainId, user_id: userId })
      .delete()
      .returning("user_id")) as unknown[];
    return removed.length > 0;
  }

  list(domainId: DomainId, page: PageRequest): Promise<Page<CmsUser>> {
    return keysetPage(this.db("users").where("domain_id", domainId), "user_id", page, userOf);
  }

  async count(domainId: DomainId): Promise<number> {
    const row = (await this.db("users")
      .where("domain_id", domainId)
      .count({ count: "*" })
      .first()) as { count: unknown } | undefined;
    return num(row?.count ?? 0);
  }
}
