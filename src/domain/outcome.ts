import type { EmailProblem } from "./email.js";
import type { ContactId } from "./ids.js";
import type { Link } from "./link.js";

export type OutcomeKind =
  | "already-linked"
  | "linked-existing"
  | "created-contact"
  | "skipped"
  | "ignored"
  | "email-synced"
  | "unchanged"
  | "unlinked"
  | "not-linked"
  | "contact-matched"
  | "contact-created";

export type OutcomeReason = EmailProblem | "cms-policy";

/** The answer to a user or visitor event. */
export interface Outcome {
  outcome: OutcomeKind;
  reason?: OutcomeReason;
  link: Link | null;
  contactId: ContactId | null;
}

export const outcomeOf = (
  outcome: OutcomeKind,
  link: Link | null,
  extra: { reason?: OutcomeReason; contactId?: ContactId | null } = {},
): Outcome => ({
  outcome,
  ...(extra.reason ? { reason: extra.reason } : {}),
  link,
  contactId: extra.contactId !== undefined ? extra.contactId : (link?.contactId ?? null),
});
