import type { Contact } from "./contact.js";

/**
 * A name as the name search compares it: composed (NFC, so that "é" typed as e and a
 * combining accent is the same letter as "é"), every character lower-cased on its own, and
 * the final sigma "ς" as "σ". The same text gives the same result in every store, whatever
 * the database's locale: SQL stores keep this form of each name in a column of its own.
 */
export function foldName(text: string): string {
  let folded = "";
  // Character by character: String#toLowerCase on the whole text would turn a capital sigma
  // at the end of a word into "ς" and elsewhere into "σ".
  for (const character of text.normalize("NFC")) folded += character.toLowerCase();
  return folded.replaceAll("ς", "σ").normalize("NFC");
}

/** The names a name search looks in: first name, last name and display name. */
export const searchedNames = (contact: Pick<Contact, "firstName" | "lastName" | "displayName">) =>
  [contact.firstName, contact.lastName, contact.displayName].filter(
    (name): name is string => name !== undefined,
  );

/** Whether one of the contact's searched names contains `foldedQuery` (a `foldName` result). */
export const nameContains = (
  contact: Pick<Contact, "firstName" | "lastName" | "displayName">,
  foldedQuery: string,
): boolean => searchedNames(contact).some((name) => foldName(name).includes(foldedQuery));
