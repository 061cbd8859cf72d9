import { err, ok, type Result } from "neverthrow";
import { Email, emailKeyOf } from "./email.js";
import { type ValidationFailed, type ValidationIssue, validationFailed } from "./errors.js";
import type { ContactId } from "./ids.js";
import type { PersonName } from "./person-name.js";

export const CONTACT_TYPES = ["Individual", "Organization", "Household"] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export interface ContactEmail {
  /** Stored lower-cased and trimmed (§2). */
  email: string;
  isPrimary: boolean;
  locationType: string;
}

export interface Contact {
  id: ContactId;
  contactType: ContactType;
  firstName?: string;
  lastName?: string;
  displayName: string;
  emails: ContactEmail[];
  isDeleted: boolean;
  createdAt: Date;
}

/** A contact before the store gives it an id and a creation time. */
export type NewContact = Omit<Contact, "id" | "createdAt" | "isDeleted">;

export const DEFAULT_LOCATION_TYPE = "Home";

export const primaryEmailOf = (contact: Pick<Contact, "emails">): ContactEmail | undefined =>
  contact.emails.find((email) => email.isPrimary);

export function displayNameFor(name: PersonName, fallbackEmail?: string): string {
  const full = [name.firstName, name.lastName].filter(Boolean).join(" ");
  return full || fallbackEmail || "";
}

/** The contact created for a user or visitor no existing contact matches (§3 step 5). */
export function newIndividual(email: Email, name: PersonName): NewContact {
  return {
    contactType: "Individual",
    ...name,
    displayName: displayNameFor(name, email.key),
    emails: [{ email: email.key, isPrimary: true, locationType: DEFAULT_LOCATION_TYPE }],
  };
}

/**
 * The contact's emails once its primary address is `address`: the primary one is replaced
 * in place (location type kept), or a primary one is added if there is none (§7).
 * An address the contact already has as a non-primary one is promoted instead of repeated.
 */
export function withPrimaryEmail(emails: ContactEmail[], address: string): ContactEmail[] {
  const key = emailKeyOf(address);
  const primary = emails.find((email) => email.isPrimary);
  const rest = emails.filter((email) => !email.isPrimary && email.email !== key);
  const promoted = emails.find((email) => !email.isPrimary && email.email === key);
  const locationType = primary?.locationType ?? promoted?.locationType ?? DEFAULT_LOCATION_TYPE;
  return [{ email: key, isPrimary: true, locationType }, ...rest];
}

/** What a caller may give to create a contact directly in the CRM. */
export interface ContactDefinition {
  contactType?: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  emails?: { email: string; isPrimary?: boolean; locationType?: string }[];
}

/**
 * Validates a contact definition. Emails are trimmed and lower-cased; when none is marked
 * primary the first one becomes primary, so that a contact with emails always has one.
 */
export function defineContact(definition: ContactDefinition): Result<NewContact, ValidationFailed> {
  const issues: ValidationIssue[] = [];
  const contactType = definition.contactType ?? "Individual";
  if (!(CONTACT_TYPES as readonly string[]).includes(contactType)) {
    issues.push({ path: "contactType", message: `must be one of ${CONTACT_TYPES.join(", ")}` });
  }
  const given = definition.emails ?? [];
  const emails: ContactEmail[] = [];
  given.forEach((entry, index) => {
    const parsed = Email.parse(entry.email);
    if (parsed.isErr()) {
      issues.push({ path: `emails.${index}.email`, message: "must be a valid email address" });
      return;
    }
    if (emails.some((email) => email.email === parsed.value.key)) {
      issues.push({ path: `emails.${index}.email`, message: "is given twice" });
      return;
    }
    emails.push({
      email: parsed.value.key,
      isPrimary: entry.isPrimary === true,
      locationType: entry.locationType?.trim() || DEFAULT_LOCATION_TYPE,
    });
  });
  if (emails.filter((email) => email.isPrimary).length > 1) {
    issues.push({ path: "emails", message: "at most one email can be primary" });
  }
  if (issues.length > 0) return err(validationFailed("The contact is not valid.", issues));
  const first = emails[0];
  if (first && !emails.some((email) => email.isPrimary)) first.isPrimary = true;
  const name: PersonName = {};
  const firstName = definition.firstName?.trim();
  const lastName = definition.lastName?.trim();
  if (firstName) name.firstName = firstName;
  if (lastName) name.lastName = lastName;
  return ok({
    contactType: contactType as ContactType,
    ...name,
    displayName:
      definition.displayName?.trim() || displayNameFor(name, primaryEmailOf({ emails })?.email),
    emails,
  });
}
