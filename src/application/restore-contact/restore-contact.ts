import { ok, type Result, type ResultAsync } from "neverthrow";
import type { Contact, ContactId, ContactNotFound, ValidationFailed } from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { withContactLocked } from "../shared/contact-under-lock.js";

export type RestoreContactError = ValidationFailed | ContactNotFound | StoreError;

/**
 * Takes a contact out of the trash; a contact not in the trash stays as it is. Locked on the
 * contact's email keys like trashing, since a restored Individual is a candidate of
 * ensure-link again (§3 step 3).
 */
export class RestoreContact {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: { contactId: ContactId }): ResultAsync<Contact, RestoreContactError> {
    const notInTrash = (contact: Contact) => (contact.isDeleted ? null : contact);
    return withContactLocked(
      this.uow,
      input.contactId,
      async (stores, contact): Promise<Result<Contact, never>> => {
        if (!contact.isDeleted) return ok(contact);
        await stores.contacts.restoreFromTrash(contact.id);
        return ok({ ...contact, isDeleted: false });
      },
      notInTrash,
    );
  }
}
