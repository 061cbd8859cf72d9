import {
  type CmsUser,
  type Domain,
  Email,
  firstFreeCandidate,
  type Link,
  type LinkTrigger,
  newIndividual,
  type Outcome,
  outcomeOf,
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
 * a transaction holding `ensureLinkLocks(user)`.
 */
export async function ensureLink(stores: Stores, input: EnsureLinkInput): Promise<Outcome> {
  const { domain, user, trigger, now } = input;
  const existing = await stores.links.findByUser(domain.id, user.userId);
  if (existing) return outcomeOf("already-linked", existing);

  const email = Email.parse(user.email);
  if (email.isErr()) return outcomeOf("skipped", null, { reason: email.error });

  const person = personNameOf(user, domain.cms);
  const ranked = rankCandidates(
    await stores.contacts.findByEmailKey(email.value.key),
    email.value,
    person,
    domain.dedupeRule,
  );
  const linked = await stores.links.linkedContactIds(
    domain.id,
    ranked.map((contact) => contact.id),
  );
  const candidate = firstFreeCandidate(ranked, linked);
  const contact =
    candidate ?? (await stores.contacts.create(newIndividual(email.value, person), now));
  const link: Link = {
    domainId: domain.id,
    userId: user.userId,
    contactId: contact.id,
    ufName: email.value.address,
    createdAt: now,
    updatedAt: now,
  };
  await stores.links.insert(link);
  const action = candidate ? "linked-existing" : "created-contact";
  await stores.audit.append({
    at: now,
    domainId: domain.id,
    userId: user.userId,
    contactId: contact.id,
    action,
    trigger,
  });
  return outcomeOf(action, link);
}
