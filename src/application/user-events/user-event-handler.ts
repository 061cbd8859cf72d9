import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from "neverthrow";
import {
  type CmsUser,
  type DomainId,
  type DomainNotFound,
  domainNotFound,
  Email,
  type Link,
  mergeUser,
  type Outcome,
  outcomeOf,
  type PolicyAction,
  policyFor,
  type UserId,
  type UserProfile,
  type ValidationFailed,
} from "../../domain/index.js";
import { ensureLink } from "../ensure-link/ensure-link.js";
import { locksCover, STALE_LOCKS, type StaleLocks } from "../ensure-link/stale-locks.js";
import type { LockKeys, StoreError, Stores, UserSnapshot } from "../ports/index.js";
import { checkIds, checkTexts } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import {
  done,
  retryOnStaleLocks,
  staleOnError,
  unlessStale,
} from "../shared/retry-on-stale-locks.js";
import { StoreAndClockUseCase } from "../shared/store-and-clock-use-case.js";
import { linkedUserLocks } from "../sync-contact-email/propagate-primary-email.js";
import { syncUserEmail } from "../sync-user-email/email-sync.js";

export interface UserEventInput {
  domainId: DomainId;
  userId: UserId;
  profile: UserProfile;
}

export type UserEventError = ValidationFailed | DomainNotFound | StoreError;

export type LinkingEvent = "registration" | "login" | "interaction" | "profile-update";

/**
 * Either the answer, or what the transaction must lock: the stored user (for its email keys)
 * and, for an email sync, the links of the user's contact, whose users §7 may write to.
 */
type FirstLook =
  | { answer: Outcome }
  | { stored: CmsUser | null; link: Link | null; contactLinks: Link[]; action: PolicyAction };

/**
 * What every user event shares (§5): upsert the user into the directory, then do what
 * the domain's CMS policy says. An already-linked user whose profile did not change is
 * answered from a plain read, without a transaction or a lock: that is every page load.
 */
export class UserEventHandler extends StoreAndClockUseCase {
  handle(event: LinkingEvent, input: UserEventInput): ResultAsync<Outcome, UserEventError> {
    const invalid =
      checkIds({ domainId: input.domainId, userId: input.userId }) ??
      checkTexts({ profile: input.profile });
    if (invalid) return errAsync(invalid);
    return retryOnStaleLocks(undefined, () =>
      this.firstLook(event, input).andThen((look) => {
        if ("answer" in look) return okAsync(done(look.answer));
        return staleOnError(this.handleInTransaction(event, input, locksFor(input, look)));
      }),
    ).andThen(unlessStale("The user's email or its contact's links kept changing; try again."));
  }

  private firstLook(
    event: LinkingEvent,
    input: UserEventInput,
  ): ResultAsync<FirstLook, UserEventError> {
    return this.uow.read(async (stores): Promise<Result<FirstLook, DomainNotFound>> => {
      const { domain, user: stored, link } = await snapshotOf(stores, input);
      if (!domain) return err(domainNotFound(input.domainId));
      const action = policyFor(domain.cms, event);
      const unchanged =
        stored !== null && !mergeUser(stored, input.domainId, input.userId, input.profile).changed;
      if (unchanged && action === "upsert-only") return ok({ answer: ignored(link) });
      if (unchanged && action === "ensure-link" && link)
        return ok({ answer: outcomeOf("already-linked", link) });
      const contactLinks =
        action === "email-sync" && link ? await stores.links.findByContact(link.contactId) : [];
      return ok({ stored, link, contactLinks, action });
    });
  }

  private handleInTransaction(
    event: LinkingEvent,
    input: UserEventInput,
    locks: LockKeys,
  ): ResultAsync<Outcome, UserEventError | StaleLocks> {
    return this.uow.transaction(
      locks,
      async (stores): Promise<Result<Outcome, DomainNotFound | StaleLocks>> => {
        const domain = await requireDomain(stores, input.domainId);
        if (domain.isErr()) return err(domain.error);
        const stored = await stores.users.get(input.domainId, input.userId);
        const { user, changed } = mergeUser(stored, input.domainId, input.userId, input.profile);
        const action = policyFor(domain.value.cms, event);
        const link =
          action === "ensure-link"
            ? await stores.links.findByUser(input.domainId, input.userId)
            : null;
        // Only a user who may be linked or whose email may be synced needs the email keys: an
        // already-linked user's login, however many arrive at once, queues on its own user alone
        // and never behind the logins of others sharing its email.
        const needsEmailLock = action === "email-sync" || (action === "ensure-link" && !link);
        if (needsEmailLock && !locksCover(locks, user)) return err(STALE_LOCKS);
        if (changed) await stores.users.put(user);
        const now = this.clock.now();
        switch (action) {
          case "ensure-link":
            return ok(
              await ensureLink(stores.bulk, {
                domain: domain.value,
                user,
                link,
                trigger: event,
                now,
              }),
            );
          case "email-sync":
            return syncUserEmail(stores, { domain: domain.value, user, now, locks });
          case "upsert-only":
            return ok(ignored(await stores.links.findByUser(input.domainId, input.userId)));
          default:
            return action satisfies never;
        }
      },
    );
  }
}

/** The domain, the user and its link: in one statement where the store can, else in three. */
async function snapshotOf(stores: Stores, input: UserEventInput): Promise<UserSnapshot> {
  if (stores.snapshots) return stores.snapshots.snapshot(input.domainId, input.userId);
  const domain = await stores.domains.get(input.domainId);
  if (!domain) return { domain, user: null, link: null };
  return {
    domain,
    user: await stores.users.get(input.domainId, input.userId),
    link: await stores.links.findByUser(input.domainId, input.userId),
  };
}

/**
 * The user; and, unless the first look found nothing to link, every email key the merged
 * profile may end up with, and the users linked to the same contact (an email sync may carry
 * the new email to their links, §7). Should the first look be out of date, the
 * transaction finds its locks short and starts again.
 */
function locksFor(input: UserEventInput, look: Exclude<FirstLook, { answer: Outcome }>): LockKeys {
  const user = { domainId: input.domainId, userId: input.userId };
  const userOnly =
    look.action === "upsert-only" || (look.action === "ensure-link" && look.link !== null);
  if (userOnly) return { users: [user] };
  const keys = [input.profile.email, look.stored?.email]
    .map((raw) => Email.parse(raw))
    .flatMap((email) => (email.isOk() ? [email.value.key] : []));
  return {
    users: [user, ...linkedUserLocks(look.contactLinks)],
    emailKeys: [...new Set(keys)],
  };
}

const ignored = (link: Outcome["link"]) => outcomeOf("ignored", link, { reason: "cms-policy" });
