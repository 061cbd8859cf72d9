import { type CmsUser, PROFILE_FIELDS, type UserProfile } from "../../../src/domain/cms-user.js";

/** The profile fields of a stored user, without its ids: what an event would carry. */
export const profileOf = (user: CmsUser): UserProfile => {
  const profile: UserProfile = {};
  for (const field of PROFILE_FIELDS) {
    const value = user[field];
    if (value !== undefined) profile[field] = value;
  }
  return profile;
};
