import type { CmsKind } from "./cms-kind.js";
import { nameSourceOf } from "./cms-policy.js";
import type { UserProfile } from "./cms-user.js";

export interface PersonName {
  firstName?: string;
  lastName?: string;
}

const clean = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/**
 * Parses Joomla's single name field (§11): "Last, First Middle" and
 * "First Middle Last" both give First and Last; middle words are dropped; a single word is
 * the last name.
 */
export function parseJoomlaName(name: string): PersonName {
  const comma = name.indexOf(",");
  if (comma >= 0) {
    const lastName = clean(name.slice(0, comma));
    const firstName = clean(name.slice(comma + 1))?.split(/[\s,]+/)[0];
    return withoutEmpty({ firstName, lastName });
  }
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return {};
  if (words.length === 1) return withoutEmpty({ lastName: words[0] });
  return withoutEmpty({ firstName: words[0], lastName: words[words.length - 1] });
}

/**
 * The person's names as the CRM should see them. A CMS whose policy reads a single name field
 * (Joomla) uses `name` only when both firstName and lastName are absent; other CMSes use
 * `name` for the account name, never for the person's.
 */
export function personNameOf(profile: UserProfile, cms: CmsKind): PersonName {
  const given = withoutEmpty({
    firstName: clean(profile.firstName),
    lastName: clean(profile.lastName),
  });
  if (given.firstName !== undefined || given.lastName !== undefined) return given;
  if (nameSourceOf(cms) === "single-name-field" && profile.name !== undefined)
    return parseJoomlaName(profile.name);
  return given;
}

function withoutEmpty(name: { firstName?: string | undefined; lastName?: string | undefined }) {
  const result: PersonName = {};
  if (name.firstName) result.firstName = name.firstName;
  if (name.lastName) result.lastName = name.lastName;
  return result;
}
