import type { CmsUser, DomainId, UserId } from "../../domain/index.js";
import { Email } from "../../domain/index.js";
import type { LockKeys } from "../ports/index.js";

/**
 * Locks are chosen from a read made before the transaction; when the user's email changed in
 * between, the transaction gives up with this value and the caller starts again.
 */
export interface StaleLocks {
  kind: "StaleLocks";
}

export const STALE_LOCKS: StaleLocks = { kind: "StaleLocks" };

/** Whether the locks cover the user and its email key, as ensure-link needs. */
export function locksCover(locks: LockKeys, user: Pick<CmsUser, "email">): boolean {
  return emailKeyLockedIn(locks)(user);
}

/** `locksCover` for many users of one set of locks: its email keys looked up in a set. */
export function emailKeyLockedIn(locks: LockKeys): (user: Pick<CmsUser, "email">) => boolean {
  const locked = new Set(locks.emailKeys);
  return (user) => {
    const email = Email.parse(user.email);
    return email.isErr() || locked.has(email.value.key);
  };
}

/**
 * Whether the locks hold this user. A user's link and directory entry are written only under
 * its lock, so that no deletion or event of that user can interleave with the write.
 */
export const holdsUserLock = (
  locks: LockKeys,
  user: { domainId: DomainId; userId: UserId },
): boolean =>
  (locks.users ?? []).some(
    (locked) => locked.domainId === user.domainId && locked.userId === user.userId,
  );

export const isStaleLocks = (error: { kind: string }): error is StaleLocks =>
  error.kind === STALE_LOCKS.kind;
