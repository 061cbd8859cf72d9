import { errAsync, ok, type ResultAsync } from "neverthrow";
import type { Contact, ContactId, ContactNotFound, ValidationFailed } from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { readContact } from "../shared/contact-under-lock.js";
import { parseEmailField } from "../shared/errors.js";

export class GetContact {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: {
    contactId: ContactId;
  }): ResultAsync<Contact, ValidationFailed | ContactNotFound | StoreError> {
    return readContact(this.uow, input.contactId);
  }
}

/** Contacts having this email (compared by key), trashed ones only when asked. */
export class FindContactsByEmail {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: {
    email: string;
    includeDeleted?: boolean;
  }): ResultAsync<Contact[], ValidationFailed | StoreError> {
    const email = parseEmailField(input.email, "email");
    if (email.isErr()) return errAsync(email.error);
    return this.uow.read(async (stores) =>
      ok(
        await stores.contacts.findByEmailKey(email.value.key, {
          includeDeleted: input.includeDeleted === true,
        }),
      ),
    );
  }
}
