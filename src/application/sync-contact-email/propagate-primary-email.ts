import { type ContactId, type DomainId, type Email, emailKeyOf } from "../../domain/index.js";
import type { Stores } from "../ports/index.js";

export interface PropagationInput {
  contactId: ContactId;
  /** The contact's new primary email. */
  email: Email;
  /** The domain whose user caused the change, left alone. */
  exceptDomainId?: DomainId;
  now: Date;
}

/**
 * SPEC §7: a linked contact's primary email changed, so each domain that syncs emails gets
 * its user's ufName and directory email updated and an outbox event for its CMS, unless
 * another link of that domain already has that email, which is only recorded as a conflict.
 */
export async function propagatePrimaryEmail(
  stores: Stores,
  input: PropagationInput,
): Promise<void> {
  const { contactId, email, exceptDomainId, now } = input;
  for (const link of await stores.links.findByContact(contactId)) {
    if (link.domainId === exceptDomainId) continue;
    const domain = await stores.domains.get(link.domainId);
    if (!domain?.syncCmsEmail) continue;
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
}
