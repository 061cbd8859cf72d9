import { errAsync, ok, type ResultAsync } from "neverthrow";
import type { AuditEntry, ContactId, DomainId, UserId } from "../../domain/index.js";
import type { AuditFilter, OutboxEvent, OutboxFilter, UnitOfWork } from "../ports/index.js";
import {
  type CursorPage,
  type CursorRequest,
  cursorPageOf,
  pageRequestOf,
} from "../shared/paging.js";
import { type DomainReadError, readInDomain } from "./domain-scoped-read.js";

export interface ListAuditInput extends CursorRequest {
  domainId: DomainId;
  userId?: UserId;
  contactId?: ContactId;
}

/** The domain's audit trail, oldest first (SPEC §11). */
export class ListAudit {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListAuditInput): ResultAsync<CursorPage<AuditEntry>, DomainReadError> {
    const page = pageRequestOf(input);
    if (page.isErr()) return errAsync(page.error);
    const filter: AuditFilter = {};
    if (input.userId !== undefined) filter.userId = input.userId;
    if (input.contactId !== undefined) filter.contactId = input.contactId;
    return readInDomain(this.uow, { domainId: input.domainId, ...filter }, async (stores) =>
      ok(cursorPageOf(await stores.audit.list(input.domainId, filter, page.value))),
    );
  }
}

export interface ListOutboxInput extends CursorRequest {
  domainId: DomainId;
  userId?: UserId;
}

/**
 * Events for the CMS to apply, oldest first, after the event whose id is `cursor`; of one
 * user only when `userId` is given.
 */
export class ListOutbox {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListOutboxInput): ResultAsync<CursorPage<OutboxEvent>, DomainReadError> {
    const page = pageRequestOf(input);
    if (page.isErr()) return errAsync(page.error);
    const filter: OutboxFilter = {};
    if (input.userId !== undefined) filter.userId = input.userId;
    return readInDomain(this.uow, { domainId: input.domainId, ...filter }, async (stores) =>
      ok(cursorPageOf(await stores.outbox.list(input.domainId, page.value, filter))),
    );
  }
}
