import { type Contact, type Email, primaryEmailOf } from "../../domain/index.js";
import type { Stores } from "../ports/index.js";
import { propagatePrimaryEmail } from "./propagate-primary-email.js";

/**
 * Gives the contact a new primary email and carries it to the CMS users linked to it
 * (SPEC §7). The same address with other casing is no change.
 */
export async function changePrimaryEmail(
  stores: Stores,
  contact: Contact,
  email: Email,
  now: Date,
): Promise<Contact> {
  if (primaryEmailOf(contact)?.email === email.key) return contact;
  const changed = await stores.contacts.setPrimaryEmail(contact.id, email.key);
  await propagatePrimaryEmail(stores, { contactId: contact.id, email, now });
  return changed;
}
