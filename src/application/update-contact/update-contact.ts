import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type Contact,
  type ContactId,
  type ContactNotFound,
  contactNotFound,
  displayNameFor,
  type PersonName,
  primaryEmailOf,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StaleLocks } from "../ensure-link/stale-locks.js";
import type { Clock, LockKeys, StoreError, Stores, UnitOfWork } from "../ports/index.js";
import { checkIds, checkTexts, parseEmailField } from "../shared/errors.js";
import { retryOnStaleLocks, staleOnError, unlessStale } from "../shared/retry-on-stale-locks.js";
import { changePrimaryEmail } from "../sync-contact-email/change-primary-email.js";
import { linkedUserLocks } from "../sync-contact-email/propagate-primary-email.js";

export interface UpdateContactInput {
  contactId: ContactId;
  firstName?: string;
  lastName?: string;
  primaryEmail?: string;
}

export type UpdateContactError = ValidationFailed | ContactNotFound | StoreError;

/**
 * Edits a contact's names and primary email; a new primary email runs SPEC §7. An
 * Individual's display name follows its names, as the CRM shows it.
 */
export class UpdateContact {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: UpdateContactInput): ResultAsync<Contact, UpdateContactError> {
    const invalid = checkIds({ contactId: input.contactId }) ?? checkTexts(input);
    if (invalid) return errAsync(invalid);
    const email =
      input.primaryEmail === undefined
        ? undefined
        : parseEmailField(input.primaryEmail, "primaryEmail");
    if (email?.isErr()) return errAsync(email.error);
    // A new primary email reaches the links of the contact's users (§7): they are locked too.
    const attempt = () =>
      this.uow
        .read(async (stores) =>
          ok(email?.isOk() ? await stores.links.findByContact(input.contactId) : []),
        )
        .andThen((links) => {
          const locks: LockKeys = {
            contactIds: [input.contactId],
            emailKeys: email?.isOk() ? [email.value.key] : [],
            users: linkedUserLocks(links),
          };
          return staleOnError(
            this.uow.transaction(
              locks,
              async (stores): Promise<Result<Contact, ContactNotFound | StaleLocks>> => {
                let contact = await stores.contacts.findById(input.contactId);
                if (!contact) return err(contactNotFound(input.contactId));
                contact = await rename(stores, contact, input);
                if (!email?.isOk()) return ok(contact);
                return changePrimaryEmail(stores, contact, email.value, this.clock.now(), locks);
              },
            ),
          );
        });
    return retryOnStaleLocks(undefined, attempt).andThen(
      unlessStale("The contact's links kept changing; try again."),
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
