import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  contactNotFound,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StaleLocks } from "../ensure-link/stale-locks.js";
import type { Clock, LockKeys, StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds, parseEmailField } from "../shared/errors.js";
import { retryOnStaleLocks, staleOnError, unlessStale } from "../shared/retry-on-stale-locks.js";
import { changePrimaryEmail } from "./change-primary-email.js";
import { linkedUserLocks } from "./propagate-primary-email.js";

export type SyncContactEmailError = ValidationFailed | ContactNotFound | StoreError;

/**
 * The CRM changed a contact's primary email (SPEC §7): the change reaches every domain that
 * links the contact, through ufName, the user directory and the outbox.
 */
export class SyncContactEmail {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: {
    contactId: ContactId;
    email: string;
  }): ResultAsync<Contact, SyncContactEmailError> {
    const invalid = checkIds({ contactId: input.contactId });
    if (invalid) return errAsync(invalid);
    const email = parseEmailField(input.email, "email");
    if (email.isErr()) return errAsync(email.error);
    // The users linked to the contact are locked too: the change reaches their links (§7).
    const attempt = () =>
      this.uow
        .read(async (stores) => ok(await stores.links.findByContact(input.contactId)))
        .andThen((links) => {
          const locks: LockKeys = {
            contactIds: [input.contactId],
            emailKeys: [email.value.key],
            users: linkedUserLocks(links),
          };
          return staleOnError(
            this.uow.transaction(
              locks,
              async (stores): Promise<Result<Contact, ContactNotFound | StaleLocks>> => {
                const contact = await stores.contacts.findById(input.contactId);
                if (!contact) return err(contactNotFound(input.contactId));
                return changePrimaryEmail(stores, contact, email.value, this.clock.now(), locks);
              },
            ),
          );
        });
    return retryOnStaleLocks(undefined, attempt).andThen(
      unlessStale("The contact's links kept changing; try again."),
    );
  }
}
