import { err, ok, type Result } from "neverthrow";
import {
  type ContactId,
  type DomainId,
  type Email,
  emailKeyOf,
  type Link,
} from "../../domain/index.js";
import { holdsUserLock, STALE_LOCKS, type StaleLocks } from "../ensure-link/stale-locks.js";
import type { LockKeys, Stores } from "../ports/index.js";

export interface PropagationInput {
  contactId: ContactId;
  /** The contact's new primary email. */
  email: Email;
  /** The domain whose user caused the change, left alone. */
  exceptDomainId?: DomainId;
  now: Date;
  /** What the transaction holds: it must hold every user whose link it updates. */
  locks: LockKeys;
}

/**
 * The users a change of the contact's primary email may write to (§7): every user linked
 * to it. A transaction that propagates locks them, from a read made before it.
 */
export const linkedUserLocks = (links: readonly Link[]): NonNullable<LockKeys["users"]> =>
  links.map(({ domainId, userId }) => ({ domainId, userId }));

/**
 * §7: a linked contact's primary email changed, so each domain that syncs emails gets
 * its user's ufName and directory email updated and an outbox event for its CMS, unless
 * another link of that domain already has that email, which is only recorded as a conflict.
 *
 * Those writes belong to other users, so they are made only under those users' locks: a user
 * linked since the locks were chosen gives `StaleLocks` (the caller rolls back and retries).
 * Without the lock, a concurrent deletion of the user would make the ufName update fail, or
 * put the deleted user back into the directory with an outbox event and an audit entry.
 */
export async function propagatePrimaryEmail(
  stores: Stores,
  input: PropagationInput,
): Promise<Result<void, StaleLocks>> {
  const { contactId, email, exceptDomainId, now, locks } = input;
  for (const link of await stores.links.findByContact(contactId)) {
    if (link.domainId === exceptDomainId) continue;
    const domain = await stores.domains.get(link.domainId);
    if (!domain?.syncCmsEmail) continue;
    if (!holdsUserLock(locks, link)) return err(STALE_LOCKS);
    if (emailKeyOf(link.ufName) === email.key) continue;
    const audit = { at: now, domainId: link.domainId, userId: link.userId, contactId };
    const holders = await stores.links.findByUfNameKey(link.domainId, email.key);
    if (holders.some((other) => other.userId !== link.userId)) {
      await stores.audit.append({ ...audit, action: "conflict", trigger: "contact-update" });
      continue;
    }
    await stores.links.updateUfName(link.domainId, link.userId, email.key, now);
    const user = await stores.users.get(link.domainId, link.userId);
    await stores.users.put({
      ...(user ?? { domainId: link.domainId, userId: link.userId }),
      email: email.key,
    });
    await stores.outbox.append({
      type: "user.email-changed",
      domainId: link.domainId,
      userId: link.userId,
      email: email.key,
      at: now,
    });
    await stores.audit.append({ ...audit, action: "ufname-updated", trigger: "contact-update" });
  }
  return ok(undefined);
}
