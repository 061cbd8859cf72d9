import type { CmsUser } from "../../domain/index.js";
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

export const MAX_LOCK_ATTEMPTS = 5;

/** Whether the locks cover the user and its email key, as ensure-link needs. */
export function locksCover(locks: LockKeys, user: Pick<CmsUser, "email">): boolean {
  const email = Email.parse(user.email);
  return email.isErr() || (locks.emailKeys ?? []).includes(email.value.key);
}

export const isStaleLocks = (error: { kind: string }): error is StaleLocks =>
  error.kind === STALE_LOCKS.kind;
