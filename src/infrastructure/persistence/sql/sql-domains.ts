import type { Knex } from "knex";
import type { DomainRepository } from "../../../application/ports/index.js";
import type { Domain, DomainId } from "../../../domain/index.js";
import { type DomainRow, domainOf, domainRowOf } from "./rows.js";

export class SqlDomains implements DomainRepository {
  constructor(private readonly db: Knex) {}

  async get(id: DomainId): Promise<Domain | null> {
    const row = (await this.db("domains").where("id", id).first()) as DomainRow | undefined;
    return row ? domainOf(row) : null;
  }

  async list(): Promise<Domain[]> {
    const rows = (await this.db("domains").orderBy("id")) as DomainRow[];
    return rows.map(domainOf);
  }

  async put(domain: Domain): Promise<void> {
    await this.db("domains").insert(domainRowOf(domain)).onConflict("id").merge();
  }
}
