import { errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactDefinition,
  defineContact,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError } from "../ports/index.js";
import { checkTexts } from "../shared/errors.js";
import { StoreAndClockUseCase } from "../shared/store-and-clock-use-case.js";

export type CreateContactError = ValidationFailed | StoreError;

/** A contact entered in the CRM directly (not through a CMS user). */
export class CreateContact extends StoreAndClockUseCase {
  execute(input: ContactDefinition): ResultAsync<Contact, CreateContactError> {
    const invalid = checkTexts(input);
    if (invalid) return errAsync(invalid);
    const contact = defineContact(input);
    if (contact.isErr()) return errAsync(contact.error);
    const locks = { emailKeys: contact.value.emails.map((email) => email.email) };
    return this.uow.transaction(locks, async (stores) =>
      ok(await stores.contacts.create(contact.value, this.clock.now())),
    );
  }
}
