import type { DomainId, UserId } from "./ids.js";

/** What a CMS tells about one of its accounts; every field is optional (§1). */
export interface UserProfile {
  email?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  /** Joomla's single name field. */
  name?: string;
}

export const PROFILE_FIELDS = ["email", "username", "firstName", "lastName", "name"] as const;

/** A user of a domain's user directory. */
export interface CmsUser extends UserProfile {
  domainId: DomainId;
  userId: UserId;
}

/**
 * Applies an event's profile to the stored user: fields present in the event replace the
 * stored ones, absent fields are kept (§5). `changed` is false when nothing differs,
 * so that an upsert that changes nothing writes nothing.
 */
export function mergeUser(
  stored: CmsUser | null,
  domainId: DomainId,
  userId: UserId,
  profile: UserProfile,
): { user: CmsUser; changed: boolean } {
  const user: CmsUser = { ...(stored ?? {}), domainId, userId };
  let changed = stored === null;
  for (const field of PROFILE_FIELDS) {
    const value = profile[field];
    if (value === undefined) continue;
    if (user[field] !== value) changed = true;
    user[field] = value;
  }
  return { user, changed };
}
