import { ok, type Result } from "neverthrow";
import { type Contact, type Email, primaryEmailOf } from "../../domain/index.js";
import type { StaleLocks } from "../ensure-link/stale-locks.js";
import type { LockKeys, Stores } from "../ports/index.js";
import { propagatePrimaryEmail } from "./propagate-primary-email.js";

/**
 * Gives the contact a new primary email and carries it to the CMS users linked to it
 * (§7), whom `locks` must hold. The same address with other casing is no change.
 */
export async function changePrimaryEmail(
  stores: Stores,
  contact: Contact,
  email: Email,
  now: Date,
  locks: LockKeys,
): Promise<Result<Contact, StaleLocks>> {
  if (primaryEmailOf(contact)?.email === email.key) return ok(contact);
  const changed = await stores.contacts.setPrimaryEmail(contact.id, email.key);
  const propagated = await propagatePrimaryEmail(stores, {
    contactId: contact.id,
    email,
    now,
    locks,
  });
  return propagated.map(() => changed);
}
