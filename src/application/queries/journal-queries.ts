import { ok, type ResultAsync } from "neverthrow";
import type { AuditEntry, ContactId, UserId } from "../../domain/index.js";
import type { AuditFilter, OutboxEvent, OutboxFilter, UnitOfWork } from "../ports/index.js";
import type { CursorPage } from "../shared/paging.js";
import {
  type DomainPageRequest,
  type DomainReadError,
  givenFields,
  pageInDomain,
} from "./domain-scoped-read.js";

export type ListAuditInput = DomainPageRequest & { userId?: UserId; contactId?: ContactId };

/** The domain's audit trail, oldest first (§11). */
export class ListAudit {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListAuditInput): ResultAsync<CursorPage<AuditEntry>, DomainReadError> {
    const filterOf = () => ok<AuditFilter>(givenFields(input, ["userId", "contactId"]));
    return pageInDomain(this.uow, input, filterOf, (stores, filter, page) =>
      stores.audit.list(input.domainId, filter, page),
    );
  }
}

export type ListOutboxInput = DomainPageRequest & { userId?: UserId };

/**
 * Events for the CMS to apply, oldest first, after the event whose id is `cursor`; of one
 * user only when `userId` is given.
 */
export class ListOutbox {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListOutboxInput): ResultAsync<CursorPage<OutboxEvent>, DomainReadError> {
    const filterOf = () => ok<OutboxFilter>(givenFields(input, ["userId"]));
    return pageInDomain(this.uow, input, filterOf, (stores, filter, page) =>
      stores.outbox.list(input.domainId, page, filter),
    );
  }
}
