import type { EmailProblem } from "./email.js";
import type { ContactId } from "./ids.js";
import type { Link } from "./link.js";

/** The outcomes that answer with the user's link, and hence its contact. */
export type LinkedOutcomeKind =
  | "already-linked"
  | "linked-existing"
  | "created-contact"
  | "email-synced"
  | "unchanged";

/** The outcomes of an anonymous interaction: the contact it matched or created. */
export type ContactOutcomeKind = "contact-matched" | "contact-created";

/** One member per kind, so that `Extract` and `switch` narrow to a single kind. */
type LinkedOutcome<K extends LinkedOutcomeKind> = K extends LinkedOutcomeKind
  ? { outcome: K; reason?: never; link: Link; contactId: ContactId }
  : never;

type ContactOutcome<K extends ContactOutcomeKind> = K extends ContactOutcomeKind
  ? { outcome: K; reason?: never; link: null; contactId: ContactId }
  : never;

/**
 * The answer to a user or visitor event, told apart by `outcome`: a reason only for a skipped
 * (the email's problem) or ignored (the CMS policy) event, a link wherever one holds.
 */
export type Outcome =
  | LinkedOutcome<LinkedOutcomeKind>
  | { outcome: "skipped"; reason: EmailProblem; link: Link | null; contactId: ContactId | null }
  | { outcome: "ignored"; reason: "cms-policy"; link: Link | null; contactId: ContactId | null }
  | { outcome: "unlinked"; reason?: never; link: null; contactId: ContactId }
  | { outcome: "not-linked"; reason?: never; link: null; contactId: null }
  | ContactOutcome<ContactOutcomeKind>;

export type OutcomeKind = Outcome["outcome"];

export type OutcomeReason = EmailProblem | "cms-policy";

/** The outcome of the kind `K`. */
export type OutcomeOf<K extends OutcomeKind> = Extract<Outcome, { outcome: K }>;

/** What ensure-link answers (§3), and so what a sync counts (§9). */
export type EnsureLinkOutcome = OutcomeOf<
  "already-linked" | "linked-existing" | "created-contact" | "skipped"
>;

export function outcomeOf<K extends LinkedOutcomeKind>(outcome: K, link: Link): OutcomeOf<K>;
export function outcomeOf(
  outcome: "skipped",
  link: Link | null,
  extra: { reason: EmailProblem },
): OutcomeOf<"skipped">;
export function outcomeOf(
  outcome: "ignored",
  link: Link | null,
  extra: { reason: "cms-policy" },
): OutcomeOf<"ignored">;
export function outcomeOf(outcome: "not-linked", link: null): OutcomeOf<"not-linked">;
export function outcomeOf<K extends "unlinked" | ContactOutcomeKind>(
  outcome: K,
  link: null,
  extra: { contactId: ContactId },
): OutcomeOf<K>;
export function outcomeOf(
  outcome: OutcomeKind,
  link: Link | null,
  extra: { reason?: OutcomeReason; contactId?: ContactId } = {},
): Outcome {
  return {
    outcome,
    ...(extra.reason ? { reason: extra.reason } : {}),
    link,
    contactId: extra.contactId !== undefined ? extra.contactId : (link?.contactId ?? null),
  } as Outcome;
}
