import {
  type AuditEntry,
  type CmsUser,
  type Contact,
  type ContactId,
  type Domain,
  Email,
  firstFreeCandidate,
  type Link,
  type LinkTrigger,
  newIndividual,
  type Outcome,
  outcomeOf,
  type PersonName,
  personNameOf,
  rankCandidates,
} from "../../domain/index.js";
import type { LockKeys, Stores } from "../ports/index.js";

export interface EnsureLinkInput {
  domain: Domain;
  /** The user as the directory now holds it. */
  user: CmsUser;
  trigger: LinkTrigger;
  now: Date;
}

/**
 * The keys ensure-link is serialised on (SPEC §3 step 6): the user, and the email key that
 * decides which contacts are candidates or whether one is created.
 */
export function ensureLinkLocks(user: Pick<CmsUser, "domainId" | "userId" | "email">): LockKeys {
  const email = Email.parse(user.email);
  return {
    users: [{ domainId: user.domainId, userId: user.userId }],
    emailKeys: email.isOk() ? [email.value.key] : [],
  };
}

/**
 * SPEC §3 steps 1-5 and 7: the one rule every trigger that links goes through. Runs inside
 * a transaction holding `ensureLinkLocks(user)`. `ensureLinkBatch` takes the same decisions
 * for many users at once through the helpers below.
 */
export async function ensureLink(stores: Stores, input: EnsureLinkInput): Promise<Outcome> {
  const { domain, user, trigger, now } = input;
  const existing = await stores.links.findByUser(domain.id, user.userId);
  if (existing) return outcomeOf("already-linked", existing);

  const email = Email.parse(user.email);
  if (email.isErr()) return outcomeOf("skipped", null, { reason: email.error });

  const { person, ranked } = candidatesOf(
    domain,
    user,
    email.value,
    await stores.contacts.findByEmailKey(email.value.key),
  );
  const linked = await stores.links.linkedContactIds(
    domain.id,
    ranked.map((contact) => contact.id),
  );
  const candidate = firstFreeCandidate(ranked, linked);
  const contact =
    candidate ?? (await stores.contacts.create(newIndividual(email.value, person), now));
  const action = candidate ? "linked-existing" : "created-contact";
  const link = newLink(domain, user, email.value, contact.id, now);
  await stores.links.insert(link);
  await stores.audit.append(linkAudit(link, action, trigger));
  return outcomeOf(action, link);
}

/**
 * The person's names as the domain's CMS gives them, and the user's candidates among
 * contacts having its email key, best first (SPEC §3 step 3, §4).
 */
export function candidatesOf(
  domain: Domain,
  user: CmsUser,
  email: Email,
  contactsWithKey: readonly Contact[],
): { person: PersonName; ranked: Contact[] } {
  const person = personNameOf(user, domain.cms);
  return { person, ranked: rankCandidates(contactsWithKey, email, person, domain.dedupeRule) };
}

export const newLink = (
  domain: Domain,
  user: CmsUser,
  email: Email,
  contactId: ContactId,
  now: Date,
): Link => ({
  domainId: domain.id,
  userId: user.userId,
  contactId,
  ufName: email.address,
  createdAt: now,
  updatedAt: now,
});

/** The audit entry of a link ensure-link wrote (SPEC §3 step 7). */
export const linkAudit = (
  link: Link,
  action: "linked-existing" | "created-contact",
  trigger: LinkTrigger,
): AuditEntry => ({
  at: link.createdAt,
  domainId: link.domainId,
  userId: link.userId,
  contactId: link.contactId,
  action,
  trigger,
});
