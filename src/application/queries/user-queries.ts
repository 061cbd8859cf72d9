import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type CmsUser,
  type ContactId,
  type DomainId,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import type { DirectoryCounts, DirectoryFilter, UnitOfWork } from "../ports/index.js";
import type { CursorPage } from "../shared/paging.js";
import {
  type DomainPageRequest,
  type DomainReadError,
  pageInDomain,
  readInDomain,
} from "./domain-scoped-read.js";

export interface DirectoryUser extends CmsUser {
  contactId: ContactId | null;
}

/** `linked`: true, only the users linked in the domain; false, only those not linked. */
export type ListUsersInput = DomainPageRequest & { linked?: boolean };

/** The domain's user directory in userId order, each user with its linked contact. */
export class ListUsers {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ListUsersInput): ResultAsync<CursorPage<DirectoryUser>, DomainReadError> {
    const filterOf = (): Result<DirectoryFilter, ValidationFailed> => {
      if (input.linked === undefined) return ok({});
      if (typeof input.linked === "boolean") return ok({ linked: input.linked });
      return err(
        validationFailed("Invalid linked.", [{ path: "linked", message: "must be a boolean" }]),
      );
    };
    return pageInDomain(this.uow, input, filterOf, async (stores, filter, page) => {
      const users = await stores.users.list(input.domainId, page, filter);
      const links = await stores.links.findByUsers(
        input.domainId,
        users.items.map((user) => user.userId),
      );
      const contactOf = new Map(links.map((link) => [link.userId, link.contactId]));
      const items = users.items.map((user) => ({
        ...user,
        contactId: contactOf.get(user.userId) ?? null,
      }));
      return { ...users, items };
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
