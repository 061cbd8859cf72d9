import type { Knex } from "knex";
import type {
  LinkFilter,
  LinkRepository,
  Page,
  PageRequest,
} from "../../../application/ports/index.js";
import {
  type ContactId,
  type DomainId,
  emailKeyOf,
  type Link,
  type UserId,
} from "../../../domain/index.js";
import { keysetPage } from "./keyset.js";
import { type LinkRow, linkOf, num } from "./rows.js";

export class SqlLinks implements LinkRepository {
  constructor(private readonly db: Knex) {}

  async findByUser(domainId: DomainId, userId: UserId): Promise<Link | null> {
    const row = (await this.db("links").where({ domain_id: domainId, user_id: userId }).first()) as
      | LinkRow
      | undefined;
    return row ? linkOf(row) : null;
  }

  /** Each user looked up through the key (see SqlBulkLinks): a sync asks for a whole batch. */
  async findByUsers(domainId: DomainId, userIds: readonly UserId[]): Promise<Link[]> {
    if (userIds.length === 0) return [];
    const { rows } = (await this.db.raw(
      `select l.* from unnest(?::bigint[]) as k(user_id)
         cross join lateral (
           select * from links l where l.domain_id = ? and l.user_id = k.user_id offset 0) l
        order by l.user_id`,
      [[...new Set(userIds)].map(String), domainId],
    )) as { rows: LinkRow[] };
    return rows.map(linkOf);
  }

  async findByContact(contactId: ContactId): Promise<Link[]> {
    const rows = (await this.db("links")
      .where("contact_id", contactId)
      .orderBy("domain_id")) as LinkRow[];
    return rows.map(linkOf);
  }

  async linkedContactIds(
    domainId: DomainId,
    contactIds: readonly ContactId[],
  ): Promise<Set<ContactId>> {
    if (contactIds.length === 0) return new Set();
    const rows = (await this.db("links")
      .select("contact_id")
      .where("domain_id", domainId)
      .whereIn("contact_id", contactIds)) as { contact_id: unknown }[];
    return new Set(rows.map((row) => num(row.contact_id)));
  }

  async findByUfNameKey(domainId: DomainId, key: string): Promise<Link[]> {
    const rows = (await this.db("links")
      .where({ domain_id: domainId, uf_name_key: key })
      .orderBy("user_id")) as LinkRow[];
    return rows.map(linkOf);
  }

  async insert(link: Link): Promise<Link> {
    await this.db("links").insert({
      domain_id: link.domainId,
      user_id: link.userId,
      contact_id: link.contactId,
      uf_name: link.ufName,
      uf_name_key: emailKeyOf(link.ufName),
      created_at: link.createdAt,
      updated_at: link.updatedAt,
    });
    return link;
  }

  async updateUfName(domainId: DomainId, userId: UserId, ufName: string, at: Date): Promise<Link> {
    const [row] = (await this.db("links")
      .where({ domain_id: domainId, user_id: userId })
      .update({ uf_name: ufName, uf_name_key: emailKeyOf(ufName), updated_at: at })
      .returning("*")) as LinkRow[];
    if (!row) throw new Error(`User ${userId} of domain ${domainId} is not linked.`);
    return linkOf(row);
  }

  async remove(domainId: DomainId, userId: UserId): Promise<Link | null> {
    const [row] = (await this.db("links")
      .where({ domain_id: domainId, user_id: userId })
      .delete()
      .returning("*")) as LinkRow[];
    return row ? linkOf(row) : null;
  }

  list(domainId: DomainId, filter: LinkFilter, page: PageRequest): Promise<Page<Link>> {
    const query = this.db("links").where("domain_id", domainId);
    if (filter.contactId !== undefined) query.where("contact_id", filter.contactId);
    if (filter.emailKey !== undefined) query.where("uf_name_key", filter.emailKey);
    return keysetPage(query, "user_id", page, linkOf);
  }
}
