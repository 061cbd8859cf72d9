import { errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type CmsUser,
  type ContactId,
  type DomainId,
  validationFailed,
} from "../../domain/index.js";
import type { DirectoryCounts, DirectoryFilter, UnitOfWork } from "../ports/index.js";
import {
  type CursorPage,
  type CursorRequest,
  cursorPageOf,
  pageRequestOf,
} from "../shared/paging.js";
import { type DomainReadError, readInDomain } from "./domain-scoped-read.js";

export interface DirectoryUser extends CmsUser {
  contactId: ContactId | null;
}

export interface ListUsersInput extends CursorRequest {
  domainId: DomainId;
  /** true: only the users linked in the domain; false: only those not linked. */
  linked?: boolean;
}

/** The domain's user directory in userId order, each user with its linked contact. */
export class ListUsers {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListUsersInput): ResultAsync<CursorPage<DirectoryUser>, DomainReadError> {
    const page = pageRequestOf(input);
    if (page.isErr()) return errAsync(page.error);
    const filter: DirectoryFilter = {};
    if (input.linked !== undefined) {
      if (typeof input.linked !== "boolean") {
        return errAsync(
          validationFailed("Invalid linked.", [{ path: "linked", message: "must be a boolean" }]),
        );
      }
      filter.linked = input.linked;
    }
    return readInDomain(this.uow, { domainId: input.domainId }, async (stores) => {
      const users = await stores.users.list(input.domainId, page.value, filter);
      const links = await stores.links.findByUsers(
        input.domainId,
        users.items.map((user) => user.userId),
      );
      const contactOf = new Map(links.map((link) => [link.userId, link.contactId]));
      return ok(
        cursorPageOf(users, (user) => ({ ...user, contactId: contactOf.get(user.userId) ?? null })),
      );
    });
  }
}

export interface DomainCounts extends DirectoryCounts {
  /** Users in the directory without a link in the domain. */
  notLinkedUsers: number;
}

/**
 * How many users the domain's directory has, how many of them are linked and not, and how
 * many links the domain has (links of users that are not in the directory too).
 */
export class CountDomainUsers {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: { domainId: DomainId }): ResultAsync<DomainCounts, DomainReadError> {
    return readInDomain(this.uow, { domainId: input.domainId }, async (stores) => {
      const counts = await stores.users.countWithLinks(input.domainId);
      return ok({ ...counts, notLinkedUsers: counts.users - counts.linkedUsers });
    });
  }
}
