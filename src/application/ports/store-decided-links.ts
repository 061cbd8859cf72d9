import type {
  CmsUser,
  Domain,
  Email,
  EnsureLinkOutcome,
  LinkTrigger,
  NewContact,
  UserId,
} from "../../domain/index.js";
import type { LockKeys } from "./lock-keys.js";

/** A user of a keyset page as it was listed, with what ensure-link needs of it. */
export interface ListedUser {
  user: CmsUser;
  /** Its parsed email; null when it has none that is valid (skipped, §2). */
  email: Email | null;
  /** `newIndividual` of its email and names, created when no candidate is free; null without an email. */
  contact: NewContact | null;
}

/** Why a store left a batch to the caller, having written nothing. */
export type UndecidedBatch =
  /** The domain's dedupe rule weighs names that could tip a contact over its threshold. */
  | "names-decide"
  /** A listed user vanished or its profile changed since it was listed. */
  | "users-changed"
  /** A free candidate of two of the batch's email keys: the users' order across keys decides. */
  | "shared-candidate"
  /** A concurrent writer took a contact or user first. */
  | "lost-race";

export type StoreDecision =
  | { kind: "decided"; outcomes: Map<UserId, EnsureLinkOutcome["outcome"]> }
  | { kind: "undecided"; reason: UndecidedBatch };

/**
 * Ensure-link for a whole batch decided by the store itself (§9 on PostgreSQL), where the
 * domain's dedupe rule lets email alone decide (`verdictWithoutNames`): the same links, contacts,
 * ids and audit entries as `ensureLinks` over the users read under the locks, in one call that
 * is its own transaction, even when reached through `UnitOfWork.read`. When it cannot decide
 * exactly it writes nothing and says why, and the caller decides the batch itself.
 */
export interface StoreDecidedLinks {
  linkListed(
    locks: LockKeys,
    domain: Domain,
    users: readonly ListedUser[],
    options: { trigger: LinkTrigger; now: Date },
  ): Promise<StoreDecision>;
}
