import { errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  displayNameFor,
  type PersonName,
  primaryEmailOf,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, Stores } from "../ports/index.js";
import { checkIds, checkTexts, parseEmailField } from "../shared/errors.js";
import { StoreAndClockUseCase } from "../shared/store-and-clock-use-case.js";
import { changePrimaryEmail } from "../sync-contact-email/change-primary-email.js";
import { withContactAndItsUsersLocked } from "../sync-contact-email/contact-with-its-users.js";

export interface UpdateContactInput {
  contactId: ContactId;
  firstName?: string;
  lastName?: string;
  primaryEmail?: string;
}

export type UpdateContactError = ValidationFailed | ContactNotFound | StoreError;

/**
 * Edits a contact's names and primary email; a new primary email runs §7. An
 * Individual's display name follows its names, as the CRM shows it.
 */
export class UpdateContact extends StoreAndClockUseCase {
  execute(input: UpdateContactInput): ResultAsync<Contact, UpdateContactError> {
    const invalid = checkIds({ contactId: input.contactId }) ?? checkTexts(input);
    if (invalid) return errAsync(invalid);
    const email =
      input.primaryEmail === undefined
        ? undefined
        : parseEmailField(input.primaryEmail, "primaryEmail");
    if (email?.isErr()) return errAsync(email.error);
    const newEmail = email?.isOk() ? email.value : null;
    return withContactAndItsUsersLocked(
      this.uow,
      input.contactId,
      newEmail?.key ?? null,
      async (stores, found, locks) => {
        const contact = await rename(stores, found, input);
        if (!newEmail) return ok(contact);
        return changePrimaryEmail(stores, contact, newEmail, this.clock.now(), locks);
      },
    );
  }
}

async function rename(
  stores: Stores,
  contact: Contact,
  input: UpdateContactInput,
): Promise<Contact> {
  if (input.firstName === undefined && input.lastName === undefined) return contact;
  const name: PersonName = {};
  const firstName = (input.firstName ?? contact.firstName)?.trim();
  const lastName = (input.lastName ?? contact.lastName)?.trim();
  if (firstName) name.firstName = firstName;
  if (lastName) name.lastName = lastName;
  const displayName =
    contact.contactType === "Individual"
      ? displayNameFor(name, primaryEmailOf(contact)?.email)
      : contact.displayName;
  return stores.contacts.rename(contact.id, name, displayName);
}
