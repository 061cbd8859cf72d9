import { errAsync, ok, type ResultAsync } from "neverthrow";
import type { CmsUser, ContactId, DomainId } from "../../domain/index.js";
import type { UnitOfWork } from "../ports/index.js";
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

/** The domain's user directory in userId order, each user with its linked contact. */
export class ListUsers {
  constructor(private readonly uow: UnitOfWork) {}

  execute(
    input: CursorRequest & { domainId: DomainId },
  ): ResultAsync<CursorPage<DirectoryUser>, DomainReadError> {
    const page = pageRequestOf(input);
    if (page.isErr()) return errAsync(page.error);
    return readInDomain(this.uow, { domainId: input.domainId }, async (stores) => {
      const users = await stores.users.list(input.domainId, page.value);
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
