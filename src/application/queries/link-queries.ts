import { err, errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type ContactId,
  type DomainId,
  type Link,
  type LinkNotFound,
  linkNotFound,
  type UserId,
} from "../../domain/index.js";
import type { LinkFilter, UnitOfWork } from "../ports/index.js";
import { parseEmailField } from "../shared/errors.js";
import {
  type CursorPage,
  type CursorRequest,
  cursorPageOf,
  pageRequestOf,
} from "../shared/paging.js";
import { type DomainReadError, readInDomain } from "./domain-scoped-read.js";

export class GetLink {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: {
    domainId: DomainId;
    userId: UserId;
  }): ResultAsync<Link, LinkNotFound | DomainReadError> {
    return readInDomain(this.uow, input, async (stores) => {
      const link = await stores.links.findByUser(input.domainId, input.userId);
      return link ? ok(link) : err(linkNotFound(input.domainId, input.userId));
    });
  }
}

export interface ListLinksInput extends CursorRequest {
  domainId: DomainId;
  contactId?: ContactId;
  /** Links whose ufName is this address, compared by key. */
  email?: string;
}

export class ListLinks {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListLinksInput): ResultAsync<CursorPage<Link>, DomainReadError> {
    const page = pageRequestOf(input);
    if (page.isErr()) return errAsync(page.error);
    const filter: LinkFilter = {};
    if (input.contactId !== undefined) filter.contactId = input.contactId;
    if (input.email !== undefined) {
      const email = parseEmailField(input.email, "email");
      if (email.isErr()) return errAsync(email.error);
      filter.emailKey = email.value.key;
    }
    const ids = { domainId: input.domainId, ...filter };
    return readInDomain(this.uow, ids, async (stores) =>
      ok(cursorPageOf(await stores.links.list(input.domainId, filter, page.value))),
    );
  }
}
