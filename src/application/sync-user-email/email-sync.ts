import { err, ok, type Result } from "neverthrow";
import {
  type CmsUser,
  type Domain,
  Email,
  emailKeyOf,
  type Outcome,
  outcomeOf,
} from "../../domain/index.js";
import { ensureLink } from "../ensure-link/ensure-link.js";
import type { StaleLocks } from "../ensure-link/stale-locks.js";
import type { LockKeys, Stores } from "../ports/index.js";
import { propagatePrimaryEmail } from "../sync-contact-email/propagate-primary-email.js";

/**
 * §6, CMS→CRM: a linked user's new email becomes the link's ufName and, when the
 * domain syncs emails, the contact's primary email, which then flows to the contact's other
 * domains (§7). Emails are compared by key, so a change of case alone changes nothing.
 * An unlinked user goes through ensure-link instead. `locks` must hold the users linked to the
 * same contact, whose links §7 may update.
 */
export async function syncUserEmail(
  stores: Stores,
  input: { domain: Domain; user: CmsUser; now: Date; locks: LockKeys },
): Promise<Result<Outcome, StaleLocks>> {
  const { domain, user, now, locks } = input;
  const link = await stores.links.findByUser(domain.id, user.userId);
  if (!link) {
    return ok(
      await ensureLink(stores.bulk, { domain, user, link, now, trigger: "profile-update" }),
    );
  }

  const email = Email.parse(user.email);
  if (email.isErr()) return ok(outcomeOf("skipped", link, { reason: email.error }));
  if (emailKeyOf(link.ufName) === email.value.key) return ok(outcomeOf("unchanged", link));

  const updated = await stores.links.updateUfName(domain.id, user.userId, email.value.address, now);
  if (domain.syncCmsEmail) {
    await stores.contacts.setPrimaryEmail(link.contactId, email.value.key);
    const propagated = await propagatePrimaryEmail(stores, {
      contactId: link.contactId,
      email: email.value,
      exceptDomainId: domain.id,
      now,
      locks,
    });
    if (propagated.isErr()) return err(propagated.error);
  }
  await stores.audit.append({
    at: now,
    domainId: domain.id,
    userId: user.userId,
    contactId: link.contactId,
    action: domain.syncCmsEmail ? "email-synced" : "ufname-updated",
    trigger: "profile-update",
  });
  return ok(outcomeOf("email-synced", updated));
}
