import {
  type CmsKind,
  type CmsUser,
  Email,
  newIndividual,
  personNameOf,
} from "../../domain/index.js";
import { linkLocks } from "../ensure-link/ensure-link.js";
import type { ListedUser, LockKeys } from "../ports/index.js";

/** A page's users with their parsed emails and the contacts ensure-link would create for them. */
export function listedUsersOf(users: readonly CmsUser[], cms: CmsKind): ListedUser[] {
  return users.map((user): ListedUser => {
    const email = Email.parse(user.email);
    if (email.isErr()) return { user, email: null, contact: null };
    return {
      user,
      email: email.value,
      contact: newIndividual(email.value, personNameOf(user, cms)),
    };
  });
}

/** `ensureLinkLocks` of the listed users, from the emails already parsed. */
export const listedLocks = (listed: readonly ListedUser[]): LockKeys =>
  linkLocks(
    listed.map(({ user }) => user),
    listed.map(({ email }) => email?.key ?? null),
  );
