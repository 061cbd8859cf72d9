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
  type NewContact,
  newIndividual,
  type Outcome,
  outcomeOf,
} from "../../domain/index.js";
import type { BulkLinkStore, LockKeys } from "../ports/index.js";
import { candidatesOf, linkAudit, newLink } from "./ensure-link.js";

export interface EnsureLinkBatchInput {
  domain: Domain;
  /** The users as the directory now holds them, in userId order, each once. */
  users: readonly CmsUser[];
  /** The links these users have in the domain, read under the batch's locks. */
  links: readonly Link[];
  trigger: LinkTrigger;
  now: Date;
}

/** The keys of a batch: those of `ensureLinkLocks` for every user of it. */
export function ensureLinkBatchLocks(
  users: readonly Pick<CmsUser, "domainId" | "userId" | "email">[],
): LockKeys {
  const emailKeys = new Set<string>();
  for (const user of users) {
    const email = Email.parse(user.email);
    if (email.isOk()) emailKeys.add(email.value.key);
  }
  return {
    users: users.map((user) => ({ domainId: user.domainId, userId: user.userId })),
    emailKeys: [...emailKeys],
  };
}

/** What ensure-link decided for one user, before the batch's writes. */
type Decision =
  | { done: Outcome }
  | { user: CmsUser; email: Email; contactId: ContactId }
  | { user: CmsUser; email: Email; create: NewContact };

/**
 * Ensure-link (SPEC §3) for every user of the batch, deciding exactly as `ensureLink` called
 * for each user in the given order would: the same candidates ranked by the same domain
 * functions, a contact chosen by an earlier user of the batch taken as linked, contacts
 * created in user order. Reads and writes go through the store's set-based `bulk` methods, a
 * few statements for the whole batch. Runs inside one transaction holding
 * `ensureLinkBatchLocks(users)`; answers one outcome per user, in order.
 */
export async function ensureLinkBatch(
  bulk: BulkLinkStore,
  input: EnsureLinkBatchInput,
): Promise<Outcome[]> {
  const { domain, users, trigger, now } = input;
  const existing = new Map(input.links.map((link) => [link.userId, link]));
  const emails = users.map((user) => Email.parse(user.email));
  const keys = new Set<string>();
  users.forEach((user, index) => {
    const email = emails[index];
    if (email?.isOk() && !existing.has(user.userId)) keys.add(email.value.key);
  });
  const found = await bulk.candidatesByEmailKeys(domain.id, [...keys]);
  const withKey = contactsByKey(found.contacts, keys);
  const taken = new Set(found.linkedInDomain);

  const decisions = users.map((user, index): Decision => {
    const link = existing.get(user.userId);
    if (link) return { done: outcomeOf("already-linked", link) };
    const email = emails[index] as ReturnType<typeof Email.parse>;
    if (email.isErr()) return { done: outcomeOf("skipped", null, { reason: email.error }) };
    const { person, ranked } = candidatesOf(
      domain,
      user,
      email.value,
      withKey.get(email.value.key) ?? [],
    );
    // A contact created for an earlier user of the batch is linked to it: never free here.
    const candidate = firstFreeCandidate(ranked, taken);
    if (!candidate) return { user, email: email.value, create: newIndividual(email.value, person) };
    taken.add(candidate.id);
    return { user, email: email.value, contactId: candidate.id };
  });

  const ids = await bulk.reserveContactIds(
    decisions.reduce((count, decision) => count + ("create" in decision ? 1 : 0), 0),
  );
  const contacts: Contact[] = [];
  const links: Link[] = [];
  const audit: AuditEntry[] = [];
  const outcomes: Outcome[] = [];
  for (const decision of decisions) {
    if ("done" in decision) {
      outcomes.push(decision.done);
      continue;
    }
    let contactId: ContactId;
    if ("create" in decision) {
      contactId = ids[contacts.length] as ContactId;
      contacts.push({ ...decision.create, id: contactId, isDeleted: false, createdAt: now });
    } else {
      contactId = decision.contactId;
    }
    const action = "create" in decision ? "created-contact" : "linked-existing";
    const link = newLink(domain, decision.user, decision.email, contactId, now);
    links.push(link);
    audit.push(linkAudit(link, action, trigger));
    outcomes.push(outcomeOf(action, link));
  }
  await bulk.write({ contacts, links, audit });
  return outcomes;
}

/** The contacts having each key, from contacts carrying only their emails with one of the keys. */
function contactsByKey(contacts: readonly Contact[], keys: ReadonlySet<string>) {
  const byKey = new Map<string, Contact[]>();
  for (const contact of contacts) {
    for (const { email } of contact.emails) {
      if (!keys.has(email)) continue;
      const list = byKey.get(email);
      if (list) list.push(contact);
      else byKey.set(email, [contact]);
    }
  }
  return byKey;
}
