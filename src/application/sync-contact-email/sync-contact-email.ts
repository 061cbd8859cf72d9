import { errAsync, type ResultAsync } from "neverthrow";
import type { Contact, ContactId, ContactNotFound, ValidationFailed } from "../../domain/index.js";
import type { StoreError } from "../ports/index.js";
import { checkIds, parseEmailField } from "../shared/errors.js";
import { StoreAndClockUseCase } from "../shared/store-and-clock-use-case.js";
import { changePrimaryEmail } from "./change-primary-email.js";
import { withContactAndItsUsersLocked } from "./contact-with-its-users.js";

export type SyncContactEmailError = ValidationFailed | ContactNotFound | StoreError;

/**
 * The CRM changed a contact's primary email (§7): the change reaches every domain that
 * links the contact, through ufName, the user directory and the outbox.
 */
export class SyncContactEmail extends StoreAndClockUseCase {
  execute(input: {
    contactId: ContactId;
    email: string;
  }): ResultAsync<Contact, SyncContactEmailError> {
    const invalid = checkIds({ contactId: input.contactId });
    if (invalid) return errAsync(invalid);
    const email = parseEmailField(input.email, "email");
    if (email.isErr()) return errAsync(email.error);
    return withContactAndItsUsersLocked(
      this.uow,
      input.contactId,
      email.value.key,
      (stores, contact, locks) =>
        changePrimaryEmail(stores, contact, email.value, this.clock.now(), locks),
    );
  }
}
