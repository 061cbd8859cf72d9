import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type ContactId,
  type ContactIsLinked,
  type ContactNotFound,
  contactIsLinked,
  contactNotFound,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";

export type TrashContactError = ValidationFailed | ContactNotFound | ContactIsLinked | StoreError;

/**
 * Moves a contact to the trash, refused while any domain links it (SPEC §8). Locked on the
 * contact's email keys, so that no ensure-link can pick it as a candidate meanwhile.
 */
export class TrashContact {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: { contactId: ContactId }): ResultAsync<void, TrashContactError> {
    const invalid = checkIds({ contactId: input.contactId });
    if (invalid) return errAsync(invalid);
    return this.uow
      .read(async (stores) => ok(await stores.contacts.findById(input.contactId)))
      .andThen((contact) => {
        if (!contact) return errAsync(contactNotFound(input.contactId));
        const locks = {
          contactIds: [contact.id],
          emailKeys: contact.emails.map((email) => email.email),
        };
        return this.uow.transaction(
          locks,
          async (stores): Promise<Result<void, ContactNotFound | ContactIsLinked>> => {
            if (!(await stores.contacts.findById(contact.id)))
              return err(contactNotFound(contact.id));
            const links = await stores.links.findByContact(contact.id);
            if (links.length > 0) {
              return err(contactIsLinked(contact.id, [...new Set(links.map((l) => l.domainId))]));
            }
            await stores.contacts.moveToTrash(contact.id);
            return ok(undefined);
          },
        );
      });
  }
}
