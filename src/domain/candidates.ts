import type { Contact } from "./contact.js";
import type { DedupeRule } from "./dedupe-rule.js";
import { reachesThreshold } from "./dedupe-rule.js";
import type { Email } from "./email.js";
import type { ContactId } from "./ids.js";
import type { PersonName } from "./person-name.js";

const emailRank = (contact: Contact, email: Email): number => {
  const matching = contact.emails.filter((entry) => entry.email === email.key);
  if (matching.length === 0) return -1;
  return matching.some((entry) => entry.isPrimary) ? 0 : 1;
};

/**
 * The contacts that may be this person (§3 step 3): live Individuals with an email of
 * the same key that reach the dedupe threshold, a primary-email match before a
 * non-primary one, then the lowest id first.
 */
export function rankCandidates(
  contacts: readonly Contact[],
  email: Email,
  person: PersonName,
  rule: DedupeRule,
): Contact[] {
  return contacts
    .filter(
      (contact) =>
        !contact.isDeleted &&
        contact.contactType === "Individual" &&
        emailRank(contact, email) >= 0 &&
        reachesThreshold(rule, person, contact),
    )
    .map((contact) => ({ contact, rank: emailRank(contact, email) }))
    .sort((a, b) => a.rank - b.rank || a.contact.id - b.contact.id)
    .map(({ contact }) => contact);
}

/** The first ranked candidate not linked to another user of the domain (§3 step 4). */
export const firstFreeCandidate = (
  ranked: readonly Contact[],
  linkedContactIds: ReadonlySet<ContactId>,
): Contact | undefined => ranked.find((contact) => !linkedContactIds.has(contact.id));
