import type { Knex } from "knex";
import type {
  AuditFilter,
  AuditLog,
  Outbox,
  OutboxEvent,
  OutboxFilter,
  Page,
  PageRequest,
} from "../../../application/ports/index.js";
import type { AuditEntry, DomainId, UserEmailChanged } from "../../../domain/index.js";
import { keysetPage } from "./keyset.js";
import { auditEntryOf, num } from "./rows.js";

export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Knex) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.db("audit_entries").insert({
      at: entry.at,
      domain_id: entry.domainId,
      user_id: entry.userId,
      contact_id: entry.contactId,
      action: entry.action,
      trigger: entry.trigger,
    });
  }

  list(domainId: DomainId, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    const query = this.db("audit_entries").where("domain_id", domainId);
    if (filter.userId !== undefined) query.where("user_id", filter.userId);
    if (filter.contactId !== undefined) query.where("contact_id", filter.contactId);
    return keysetPage(query, "seq", page, auditEntryOf);
  }
}

interface OutboxRow {
  seq: unknown;
  type: "user.email-changed";
  domain_id: unknown;
  user_id: unknown;
  email: string;
  at: Date;
}

export class SqlOutbox implements Outbox {
  constructor(private readonly db: Knex) {}

  async append(event: UserEmailChanged): Promise<void> {
    await this.db("outbox_events").insert({
      type: event.type,
      domain_id: event.domainId,
      user_id: event.userId,
      email: event.email,
      at: event.at,
    });
  }

  list(
    domainId: DomainId,
    page: PageRequest,
    filter: OutboxFilter = {},
  ): Promise<Page<OutboxEvent>> {
    const query = this.db("outbox_events").where("domain_id", domainId);
    if (filter.userId !== undefined) query.where("user_id", filter.userId);
    return keysetPage(
      query,
      "seq",
      page,
      (row: OutboxRow): OutboxEvent => ({
        id: String(num(row.seq)),
        type: row.type,
        domainId: num(row.domain_id),
        userId: num(row.user_id),
        email: row.email,
        at: new Date(row.at),
      }),
    );
  }
}
