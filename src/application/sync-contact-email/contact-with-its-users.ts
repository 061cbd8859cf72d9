import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  contactNotFound,
} from "../../domain/index.js";
import type { StaleLocks } from "../ensure-link/stale-locks.js";
import type { LockKeys, StoreError, Stores, UnitOfWork } from "../ports/index.js";
import { retryOnStaleLocks, staleOnError, unlessStale } from "../shared/retry-on-stale-locks.js";
import { linkedUserLocks } from "./propagate-primary-email.js";

/**
 * Runs `work` on the contact in a transaction locked on it, on `emailKey` when given, and on
 * the users linked to it, whose links a new primary email reaches (§7). The links are
 * read before the transaction: when they changed meanwhile, `work` gives up with `StaleLocks`
 * and it all starts again, a few times at most.
 */
export function withContactAndItsUsersLocked(
  uow: UnitOfWork,
  contactId: ContactId,
  emailKey: string | null,
  work: (
    stores: Stores,
    contact: Contact,
    locks: LockKeys,
  ) => Promise<Result<Contact, ContactNotFound | StaleLocks>>,
): ResultAsync<Contact, ContactNotFound | StoreError> {
  const attempt = () =>
    uow
      .read(async (stores) =>
        ok(emailKey === null ? [] : await stores.links.findByContact(contactId)),
      )
      .andThen((links) => {
        const locks: LockKeys = {
          contactIds: [contactId],
          emailKeys: emailKey === null ? [] : [emailKey],
          users: linkedUserLocks(links),
        };
        return staleOnError(
          uow.transaction(locks, async (stores) => {
            const contact = await stores.contacts.findById(contactId);
            return contact ? work(stores, contact, locks) : err(contactNotFound(contactId));
          }),
        );
      });
  return retryOnStaleLocks(undefined, attempt).andThen(
    unlessStale("The contact's links kept changing; try again."),
  );
}
