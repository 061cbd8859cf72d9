import { err, errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  contactNotFound,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds, parseEmailField } from "../shared/errors.js";

export class GetContact {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: {
    contactId: ContactId;
  }): ResultAsync<Contact, ValidationFailed | ContactNotFound | StoreError> {
    const invalid = checkIds(input);
    if (invalid) return errAsync(invalid);
    return this.uow.read(async (stores) => {
      const contact = await stores.contacts.findById(input.contactId);
      return contact ? ok(contact) : err(contactNotFound(input.contactId));
    });
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
