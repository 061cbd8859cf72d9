import type { DomainId, UserEmailChanged, UserId } from "../../domain/index.js";
import type { Page, PageRequest } from "./page.js";

export interface OutboxEvent extends UserEmailChanged {
  id: string;
}

export interface OutboxFilter {
  userId?: UserId;
}

/** Events for the CMS to apply, kept in the same transaction as the change they report. */
export interface Outbox {
  append(event: UserEmailChanged): Promise<void>;
  /** Oldest first, after the event whose id is `page.after`. */
  list(domainId: DomainId, page: PageRequest, filter?: OutboxFilter): Promise<Page<OutboxEvent>>;
}
