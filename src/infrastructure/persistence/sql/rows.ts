import type {
  AuditEntry,
  CmsUser,
  Contact,
  ContactEmail,
  ContactType,
  Domain,
  Link,
} from "../../../domain/index.js";
import { foldName, PROFILE_FIELDS } from "../../../domain/index.js";

/** pg returns bigint columns and counts as strings, PGlite as numbers: both become numbers. */
export const num = (value: unknown): number => Number(value);

const nullable = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export interface ContactRow {
  id: unknown;
  contact_type: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  is_deleted: boolean;
  created_at: Date;
}

/** The columns of `contacts` that make a Contact (the folded names are for the search alone). */
export const CONTACT_COLUMNS = [
  "id",
  "contact_type",
  "first_name",
  "last_name",
  "display_name",
  "is_deleted",
  "created_at",
];

/** The folded names the name search looks in (migration 004), written with the names. */
export const foldedNameColumns = (
  contact: Pick<Contact, "firstName" | "lastName" | "displayName">,
) => ({
  first_name_folded: contact.firstName === undefined ? null : foldName(contact.firstName),
  last_name_folded: contact.lastName === undefined ? null : foldName(contact.lastName),
  display_name_folded: foldName(contact.displayName),
});

export interface ContactEmailRow {
  contact_id: unknown;
  email: string;
  is_primary: boolean;
  location_type: string;
  position: number;
}

export function contactOf(row: ContactRow, emails: ContactEmailRow[]): Contact {
  const contact: Contact = {
    id: num(row.id),
    contactType: row.contact_type as ContactType,
    displayName: row.display_name,
    emails: emails
      .slice()
      .sort((a, b) => a.position - b.position)
      .map(
        (email): ContactEmail => ({
          email: email.email,
          isPrimary: email.is_primary,
          locationType: email.location_type,
        }),
      ),
    isDeleted: row.is_deleted,
    createdAt: new Date(row.created_at),
  };
  const firstName = nullable(row.first_name);
  const lastName = nullable(row.last_name);
  if (firstName !== undefined) contact.firstName = firstName;
  if (lastName !== undefined) contact.lastName = lastName;
  return contact;
}

export interface LinkRow {
  domain_id: unknown;
  user_id: unknown;
  contact_id: unknown;
  uf_name: string;
  created_at: Date;
  updated_at: Date;
}

export const linkOf = (row: LinkRow): Link => ({
  domainId: num(row.domain_id),
  userId: num(row.user_id),
  contactId: num(row.contact_id),
  ufName: row.uf_name,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** A link's columns selected from a links row `l` joined to another table's (`JOINED_LINK`). */
export interface JoinedLinkColumns {
  /** Null when the join found no link. */
  l_contact_id: unknown;
  l_uf_name: string | null;
  l_created_at: Date | null;
  l_updated_at: Date | null;
}

export const JOINED_LINK =
  "l.contact_id as l_contact_id, l.uf_name as l_uf_name, l.created_at as l_created_at, l.updated_at as l_updated_at";

/** The joined link of the user `userId` of the domain, if the join found one. */
export function joinedLinkOf(
  row: JoinedLinkColumns,
  domainId: unknown,
  userId: unknown,
): Link | null {
  if (row.l_contact_id === null) return null;
  return linkOf({
    domain_id: domainId,
    user_id: userId,
    contact_id: row.l_contact_id,
    uf_name: row.l_uf_name as string,
    created_at: row.l_created_at as Date,
    updated_at: row.l_updated_at as Date,
  });
}

export interface UserRow {
  domain_id: unknown;
  user_id: unknown;
  email: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
}

const COLUMN_OF = {
  email: "email",
  username: "username",
  firstName: "first_name",
  lastName: "last_name",
  name: "name",
} as const satisfies Record<(typeof PROFILE_FIELDS)[number], keyof UserRow>;

export function userOf(row: UserRow): CmsUser {
  const user: CmsUser = { domainId: num(row.domain_id), userId: num(row.user_id) };
  for (const field of PROFILE_FIELDS) {
    const value = row[COLUMN_OF[field]];
    if (value !== null && value !== undefined) user[field] = value as string;
  }
  return user;
}

export function userRowOf(user: CmsUser): UserRow {
  const row = { domain_id: user.domainId, user_id: user.userId } as UserRow;
  for (const field of PROFILE_FIELDS) row[COLUMN_OF[field]] = (user[field] ?? null) as never;
  return row;
}

export interface DomainRow {
  id: unknown;
  name: string;
  cms: string;
  sync_cms_email: boolean;
  dedupe_rule: Domain["dedupeRule"] | string;
}

export const domainOf = (row: DomainRow): Domain => ({
  id: num(row.id),
  name: row.name,
  cms: row.cms as Domain["cms"],
  syncCmsEmail: row.sync_cms_email,
  dedupeRule: typeof row.dedupe_rule === "string" ? JSON.parse(row.dedupe_rule) : row.dedupe_rule,
});

export const domainRowOf = (domain: Domain) => ({
  id: domain.id,
  name: domain.name,
  cms: domain.cms,
  sync_cms_email: domain.syncCmsEmail,
  dedupe_rule: JSON.stringify(domain.dedupeRule),
});

export interface AuditRow {
  seq: unknown;
  at: Date;
  domain_id: unknown;
  user_id: unknown;
  contact_id: unknown;
  action: string;
  trigger: string;
}

export const auditEntryOf = (row: AuditRow): AuditEntry => ({
  at: new Date(row.at),
  domainId: num(row.domain_id),
  userId: row.user_id === null ? null : num(row.user_id),
  contactId: num(row.contact_id),
  action: row.action as AuditEntry["action"],
  trigger: row.trigger as AuditEntry["trigger"],
});
