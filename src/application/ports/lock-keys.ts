import type { ContactId, DomainId, UserId } from "../../domain/index.js";

/**
 * Keys a transaction is serialised on (§3 step 6). Two transactions sharing a key run
 * one after the other, whatever process they run in; the store takes the keys in one
 * global order so that they cannot deadlock.
 */
export interface LockKeys {
  users?: readonly { domainId: DomainId; userId: UserId }[];
  /** Email keys: contacts are shared by all domains, so these are not per domain. */
  emailKeys?: readonly string[];
  contactIds?: readonly ContactId[];
}
