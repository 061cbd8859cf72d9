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
import { keysetPage } from "./keyset-page.js";
import { copy, type Journal, journaledPush, type MemoryTables } from "./memory-state.js";

export class MemoryAuditLog implements AuditLog {
  constructor(
    private readonly tables: MemoryTables,
    private readonly journal: Journal | null,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    journaledPush(this.journal, this.tables.audit, { ...copy(entry), seq: this.tables.nextSeq++ });
  }

  async list(
    domainId: DomainId,
    filter: AuditFilter,
    page: PageRequest,
  ): Promise<Page<AuditEntry>> {
    const matching = this.tables.audit.filter(
      (entry) =>
        entry.domainId === domainId &&
        (filter.userId === undefined || entry.userId === filter.userId) &&
        (filter.contactId === undefined || entry.contactId === filter.contactId),
    );
    const result = keysetPage(matching, (entry) => entry.seq, page);
    return { ...result, items: result.items.map(({ seq: _seq, ...entry }) => copy(entry)) };
  }
}

export class MemoryOutbox implements Outbox {
  constructor(
    private readonly tables: MemoryTables,
    private readonly journal: Journal | null,
  ) {}

  async append(event: UserEmailChanged): Promise<void> {
    const seq = this.tables.nextSeq++;
    journaledPush(this.journal, this.tables.outbox, { ...copy(event), id: String(seq), seq });
  }

  async list(
    domainId: DomainId,
    page: PageRequest,
    filter: OutboxFilter = {},
  ): Promise<Page<OutboxEvent>> {
    const matching = this.tables.outbox.filter(
      (event) =>
        event.domainId === domainId &&
        (filter.userId === undefined || event.userId === filter.userId),
    );
    const result = keysetPage(matching, (event) => event.seq, page);
    return { ...result, items: result.items.map(({ seq: _seq, ...event }) => copy(event)) };
  }
}
