import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type ContactId,
  type ContactIsLinked,
  type ContactNotFound,
  contactIsLinked,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { withContactLocked } from "../shared/contact-under-lock.js";

export type TrashContactError = ValidationFailed | ContactNotFound | ContactIsLinked | StoreError;

/**
 * Moves a contact to the trash, refused while any domain links it (§8). Locked on the
 * contact's email keys, so that no ensure-link can pick it as a candidate meanwhile.
 */
export class TrashContact {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: { contactId: ContactId }): ResultAsync<void, TrashContactError> {
    return withContactLocked(
      this.uow,
      input.contactId,
      async (stores, contact): Promise<Result<void, ContactIsLinked>> => {
        const links = await stores.links.findByContact(contact.id);
        if (links.length > 0) {
          return err(contactIsLinked(contact.id, [...new Set(links.map((l) => l.domainId))]));
        }
        await stores.contacts.moveToTrash(contact.id);
        return ok(undefined);
      },
    );
  }
}
