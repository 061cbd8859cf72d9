import {
  type CmsUser,
  Email,
  type EnsureLinkOutcome,
  type Link,
  type LinkTrigger,
} from "../../domain/index.js";
import type { BulkLinkStore, LockKeys } from "../ports/index.js";
import {
  candidateKeysOf,
  contactsToCreate,
  decideLinks,
  type LinkDecisionInput,
  linkWritesOf,
} from "./link-decision.js";

export interface EnsureLinksInput extends LinkDecisionInput {
  trigger: LinkTrigger;
  now: Date;
}

/**
 * The keys ensure-link is serialised on (§3 step 6): the users, and the email keys that
 * decide which contacts are candidates or whether one is created.
 */
export function ensureLinkLocks(
  users: readonly Pick<CmsUser, "domainId" | "userId" | "email">[],
): LockKeys {
  return linkLocks(
    users,
    users.map((user) => {
      const email = Email.parse(user.email);
      return email.isOk() ? email.value.key : null;
    }),
  );
}

/** `ensureLinkLocks` of users whose email keys are known already: `keys[i]` of `users[i]`, or null. */
export function linkLocks(
  users: readonly Pick<CmsUser, "domainId" | "userId">[],
  keys: readonly (string | null)[],
): LockKeys {
  const emailKeys = new Set<string>();
  for (const key of keys) if (key !== null) emailKeys.add(key);
  return {
    users: users.map((user) => ({ domainId: user.domainId, userId: user.userId })),
    emailKeys: [...emailKeys],
  };
}

/**
 * §3 steps 1-5 and 7: the one rule every trigger that links goes through, for one user
 * or a whole batch, decided by `decideLinks`. A few statements whatever the number of users:
 * the candidates of all their email keys, the new contacts' ids, one write. Runs inside a
 * transaction holding `ensureLinkLocks(users)`; answers one outcome per user, in order.
 */
export async function ensureLinks(
  bulk: BulkLinkStore,
  input: EnsureLinksInput,
): Promise<EnsureLinkOutcome[]> {
  const candidates = await bulk.candidatesByEmailKeys(input.domain.id, candidateKeysOf(input));
  const decisions = decideLinks(input, candidates);
  const ids = await bulk.reserveContactIds(contactsToCreate(decisions));
  const { writes, outcomes } = linkWritesOf(input.domain, decisions, ids, input);
  if (writes.links.length > 0) await bulk.write(writes);
  return outcomes;
}

/** `ensureLinks` for one user, whose link (or null) was read under its locks. */
export async function ensureLink(
  bulk: BulkLinkStore,
  input: Omit<EnsureLinksInput, "users" | "links"> & { user: CmsUser; link: Link | null },
): Promise<EnsureLinkOutcome> {
  const { user, link, ...rest } = input;
  const [outcome] = await ensureLinks(bulk, { ...rest, users: [user], links: link ? [link] : [] });
  return outcome as EnsureLinkOutcome;
}
