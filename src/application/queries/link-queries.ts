import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type ContactId,
  type DomainId,
  type Link,
  type LinkNotFound,
  linkNotFound,
  type UserId,
  type ValidationFailed,
} from "../../domain/index.js";
import type { LinkFilter, UnitOfWork } from "../ports/index.js";
import { parseEmailField } from "../shared/errors.js";
import type { CursorPage } from "../shared/paging.js";
import {
  type DomainPageRequest,
  type DomainReadError,
  givenFields,
  pageInDomain,
  readInDomain,
} from "./domain-scoped-read.js";

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

/** `email`: links whose ufName is this address, compared by key. */
export type ListLinksInput = DomainPageRequest & { contactId?: ContactId; email?: string };

export class ListLinks {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListLinksInput): ResultAsync<CursorPage<Link>, DomainReadError> {
    const filterOf = (): Result<LinkFilter, ValidationFailed> => {
      const filter: LinkFilter = givenFields(input, ["contactId"]);
      if (input.email === undefined) return ok(filter);
      return parseEmailField(input.email, "email").map((email) => ({
        ...filter,
        emailKey: email.key,
      }));
    };
    return pageInDomain(this.uow, input, filterOf, (stores, filter, page) =>
      stores.links.list(input.domainId, filter, page),
    );
  }
}
