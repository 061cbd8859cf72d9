import type { AuditEntry, ContactId, DomainId, UserId } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";

export interface AuditFilter {
  userId?: UserId;
  contactId?: ContactId;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Oldest first. */
  list(domainId: DomainId, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}
