import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  contactNotFound,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, Stores, UnitOfWork } from "../ports/index.js";
import { checkIds } from "./errors.js";

/** The contact with this id, read outside any lock. */
export function readContact(
  uow: UnitOfWork,
  contactId: ContactId,
): ResultAsync<Contact, ValidationFailed | ContactNotFound | StoreError> {
  const invalid = checkIds({ contactId });
  if (invalid) return errAsync(invalid);
  return uow.read(async (stores): Promise<Result<Contact, ContactNotFound>> => {
    const contact = await stores.contacts.findById(contactId);
    return contact ? ok(contact) : err(contactNotFound(contactId));
  });
}

/**
 * Runs `work` on the contact in a transaction locked on it and on its email keys, so that no
 * ensure-link can pick it as a candidate meanwhile (§3 step 3). `skip` answers without a
 * transaction when the contact, as first read, needs nothing done.
 */
export function withContactLocked<T, E>(
  uow: UnitOfWork,
  contactId: ContactId,
  work: (stores: Stores, contact: Contact) => Promise<Result<T, E>>,
  skip: (contact: Contact) => T | null = () => null,
): ResultAsync<T, E | ValidationFailed | ContactNotFound | StoreError> {
  return readContact(uow, contactId).andThen((found) => {
    const skipped = skip(found);
    if (skipped !== null) return ok(skipped);
    const locks = { contactIds: [found.id], emailKeys: found.emails.map((email) => email.email) };
    return uow.transaction(locks, async (stores): Promise<Result<T, E | ContactNotFound>> => {
      const contact = await stores.contacts.findById(found.id);
      return contact ? work(stores, contact) : err(contactNotFound(found.id));
    });
  });
}
