import {
  type AuditEntry,
  type CmsUser,
  type Contact,
  type ContactId,
  type Domain,
  Email,
  type EnsureLinkOutcome,
  firstFreeCandidate,
  type Link,
  type LinkTrigger,
  type NewContact,
  newIndividual,
  outcomeOf,
  personNameOf,
  rankCandidates,
} from "../../domain/index.js";
import type { BatchWrites, EmailKeyCandidates } from "../ports/index.js";

/** Users to ensure a link for, as the directory holds them, with the links they have. */
export interface LinkDecisionInput {
  domain: Domain;
  /** Each once, in the order ensure-link decides them. */
  users: readonly CmsUser[];
  /** The links these users have in the domain, read under the locks. */
  links: readonly Link[];
}

/** What ensure-link decided for one user, before its writes. */
export type LinkDecision =
  | { kind: "answered"; outcome: EnsureLinkOutcome }
  | { kind: "link-existing"; user: CmsUser; email: Email; contactId: ContactId }
  | { kind: "create-contact"; user: CmsUser; email: Email; contact: NewContact };

/** The email keys whose candidates the decision needs: those of the users not linked yet. */
export function candidateKeysOf({ users, links }: Omit<LinkDecisionInput, "domain">): string[] {
  const linked = new Set(links.map((link) => link.userId));
  const keys = new Set<string>();
  for (const user of users) {
    const email = Email.parse(user.email);
    if (email.isOk() && !linked.has(user.userId)) keys.add(email.value.key);
  }
  return [...keys];
}

/**
 * §3 steps 1-5 for every user, in order: an existing link is the answer, a user without a
 * valid email is skipped, else the best candidate no user of the domain is linked to (a
 * contact chosen for an earlier user counting as linked), or a new Individual. `candidates`
 * are those of `candidateKeysOf(input)`.
 */
export function decideLinks(
  { domain, users, links }: LinkDecisionInput,
  candidates: EmailKeyCandidates,
): LinkDecision[] {
  const existing = new Map(links.map((link) => [link.userId, link]));
  const withKey = contactsByKey(candidates.contacts);
  const taken = new Set(candidates.linkedInDomain);
  return users.map((user): LinkDecision => {
    const link = existing.get(user.userId);
    if (link) return { kind: "answered", outcome: outcomeOf("already-linked", link) };
    const email = Email.parse(user.email);
    if (email.isErr()) {
      return { kind: "answered", outcome: outcomeOf("skipped", null, { reason: email.error }) };
    }
    const person = personNameOf(user, domain.cms);
    const ranked = rankCandidates(
      withKey.get(email.value.key) ?? [],
      email.value,
      person,
      domain.dedupeRule,
    );
    const candidate = firstFreeCandidate(ranked, taken);
    if (!candidate) {
      return {
        kind: "create-contact",
        user,
        email: email.value,
        contact: newIndividual(email.value, person),
      };
    }
    taken.add(candidate.id);
    return { kind: "link-existing", user, email: email.value, contactId: candidate.id };
  });
}

/** How many contact ids the decisions need, for `linkWritesOf`. */
export const contactsToCreate = (decisions: readonly LinkDecision[]): number =>
  decisions.filter((decision) => decision.kind === "create-contact").length;

/**
 * The writes and the outcomes of the decisions (§3 step 7): the contacts to create take
 * `ids` in order, every link its audit entry, one outcome per decision.
 */
export function linkWritesOf(
  domain: Domain,
  decisions: readonly LinkDecision[],
  ids: readonly ContactId[],
  { trigger, now }: { trigger: LinkTrigger; now: Date },
): { writes: BatchWrites; outcomes: EnsureLinkOutcome[] } {
  const contacts: Contact[] = [];
  const links: Link[] = [];
  const audit: AuditEntry[] = [];
  const outcomes = decisions.map((decision): EnsureLinkOutcome => {
    if (decision.kind === "answered") return decision.outcome;
    let contactId = decision.kind === "link-existing" ? decision.contactId : null;
    if (decision.kind === "create-contact") {
      contactId = ids[contacts.length] as ContactId;
      contacts.push({ ...decision.contact, id: contactId, isDeleted: false, createdAt: now });
    }
    const action = decision.kind === "create-contact" ? "created-contact" : "linked-existing";
    const link: Link = {
      domainId: domain.id,
      userId: decision.user.userId,
      contactId: contactId as ContactId,
      ufName: decision.email.address,
      createdAt: now,
      updatedAt: now,
    };
    links.push(link);
    audit.push({
      at: now,
      domainId: link.domainId,
      userId: link.userId,
      contactId: link.contactId,
      action,
      trigger,
    });
    return outcomeOf(action, link);
  });
  return { writes: { contacts, links, audit }, outcomes };
}

/** The contacts having each key, from contacts carrying only their emails with one of the keys. */
function contactsByKey(contacts: readonly Contact[]): Map<string, Contact[]> {
  const byKey = new Map<string, Contact[]>();
  for (const contact of contacts) {
    for (const { email } of contact.emails) {
      const list = byKey.get(email);
      if (list) list.push(contact);
      else byKey.set(email, [contact]);
    }
  }
  return byKey;
}
