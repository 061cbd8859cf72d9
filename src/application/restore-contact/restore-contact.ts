import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  contactNotFound,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";

export type RestoreContactError = ValidationFailed | ContactNotFound | StoreError;

/**
 * Takes a contact out of the trash; a contact not in the trash stays as it is. Locked on the
 * contact's email keys like trashing, since a restored Individual is a candidate of
 * ensure-link again (SPEC §3 step 3).
 */
export class RestoreContact {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: { contactId: ContactId }): ResultAsync<Contact, RestoreContactError> {
    const invalid = checkIds({ contactId: input.contactId });
    if (invalid) return errAsync(invalid);
    return this.uow
      .read(async (stores) => ok(await stores.contacts.findById(input.contactId)))
      .andThen((found) => {
        if (!found) return errAsync(contactNotFound(input.contactId));
        if (!found.isDeleted) return ok(found);
        const locks = {
          contactIds: [found.id],
          emailKeys: found.emails.map((email) => email.email),
        };
        return this.uow.transaction(
          locks,
          async (stores): Promise<Result<Contact, ContactNotFound>> => {
            const contact = await stores.contacts.findById(found.id);
            if (!contact) return err(contactNotFound(found.id));
            if (!contact.isDeleted) return ok(contact);
            await stores.contacts.restoreFromTrash(contact.id);
            return ok({ ...contact, isDeleted: false });
          },
        );
      });
  }
}
