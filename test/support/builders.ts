import { expect } from "vitest";
import type {
  AuditEntry,
  CmsUser,
  Contact,
  ContactEmail,
  ContactId,
  Domain,
  DomainId,
  Link,
  NewContact,
  UserId,
  UserProfile,
} from "../../src/index.js";

/**
 * Object Mothers: the values tests store and expect, each valid as built, with only what a
 * test is about to be given.
 */

/** Times with millisecond precision, which every store keeps exactly. */
export const T0 = new Date("2024-03-04T05:06:07.089Z");
export const T1 = new Date("2024-03-05T01:02:03.004Z");
export const T2 = new Date("2024-03-06T10:20:30.405Z");

/** A time an expectation leaves free: any Date (the use cases read their own clock). */
export const anyTime = expect.any(Date) as unknown as Date;

export const anEmail = (
  address: string,
  isPrimary = false,
  locationType = "Home",
): ContactEmail => ({ email: address, isPrimary, locationType });

/**
 * An Individual with these emails (the first one primary, at Home, unless emails are given
 * whole), named after its names or else its first email, as ensure-link creates one.
 */
export function anIndividual(
  emails: string[] | ContactEmail[],
  name: { firstName?: string; lastName?: string } = {},
): NewContact {
  const list = emails.map((entry, index) =>
    typeof entry === "string" ? anEmail(entry, index === 0) : entry,
  );
  const displayName = [name.firstName, name.lastName].filter(Boolean).join(" ");
  return {
    contactType: "Individual",
    ...name,
    displayName: displayName || list[0]?.email || "",
    emails: list,
  };
}

/** `contact` as stored under `id`: live, created at `createdAt`. */
export const aContact = (id: ContactId, contact: NewContact, createdAt: Date = T0): Contact => ({
  id,
  ...contact,
  isDeleted: false,
  createdAt,
});

/** A domain whose rule matches on email alone; wordpress unless told. */
export function aDomain(id: DomainId, overrides: Partial<Domain> = {}): Domain {
  return {
    id,
    name: `Domain ${id}`,
    cms: "wordpress",
    syncCmsEmail: true,
    dedupeRule: { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 },
    ...overrides,
  };
}

/** A directory user with this profile (none unless told). */
export const aUser = (
  domainId: DomainId,
  userId: UserId,
  profile: Omit<CmsUser, "domainId" | "userId"> = {},
): CmsUser => ({ domainId, userId, ...profile });

/** A link made at `at`, and not changed since. */
export const aLink = (
  domainId: DomainId,
  userId: UserId,
  contactId: ContactId,
  ufName: string,
  at: Date = T0,
): Link => ({ domainId, userId, contactId, ufName, createdAt: at, updatedAt: at });

/** An audit entry: by default user 1 of domain 1 linked to contact 1 at login, at T0. */
export const anAuditEntry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: T0,
  domainId: 1,
  userId: 1,
  contactId: 1,
  action: "linked-existing",
  trigger: "login",
  ...overrides,
});

/** What a CMS sends about one of its users: registration, login, profile update. */
export const aUserEvent = (domainId: DomainId, userId: UserId, profile: UserProfile) => ({
  domainId,
  userId,
  profile,
});
