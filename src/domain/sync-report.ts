import type { UserId } from "./ids.js";
import type { EnsureLinkOutcome } from "./outcome.js";

/** Counters of a "Synchronize Users to Contacts" run (§9). */
export interface SyncReport {
  checked: number;
  alreadyLinked: number;
  matched: number;
  created: number;
  skipped: number;
  failed: number;
}

export interface SyncFailure {
  userId: UserId;
  reason: string;
}

export const emptySyncReport = (): SyncReport => ({
  checked: 0,
  alreadyLinked: 0,
  matched: 0,
  created: 0,
  skipped: 0,
  failed: 0,
});

/** What a sync counts for one user: its ensure-link outcome, or its failure. */
export type SyncUserOutcome = EnsureLinkOutcome["outcome"] | "failed";

function counterOf(outcome: SyncUserOutcome): Exclude<keyof SyncReport, "checked"> {
  switch (outcome) {
    case "already-linked":
      return "alreadyLinked";
    case "linked-existing":
      return "matched";
    case "created-contact":
      return "created";
    case "skipped":
      return "skipped";
    case "failed":
      return "failed";
    default:
      return outcome satisfies never;
  }
}

/** Counts one user's ensure-link outcome, or a failure when `outcome` is "failed". */
export function countOutcome(report: SyncReport, outcome: SyncUserOutcome): SyncReport {
  const next = { ...report, checked: report.checked + 1 };
  next[counterOf(outcome)] += 1;
  return next;
}

const counted = (count: number, singular: string, plural: string) =>
  `${count} ${count === 1 ? singular : plural}`;

/** The sentences of the summary of §9, e.g. "Checked 3 user records.", in order. */
export function syncSummaryLines(report: SyncReport): string[] {
  const lines = [
    `Checked ${counted(report.checked, "user record", "user records")}.`,
    `Found ${counted(report.alreadyLinked + report.matched, "matching contact record", "matching contact records")}.`,
    `Created ${counted(report.created, "new contact record", "new contact records")}.`,
  ];
  if (report.skipped > 0) {
    lines.push(`Skipped ${counted(report.skipped, "user", "users")} without a valid email.`);
  }
  if (report.failed > 0) {
    lines.push(`Failed ${counted(report.failed, "user record", "user records")}.`);
  }
  return lines;
}

/** The summary of §9, e.g. "Checked 3 user records. Found 2 matching contact records. …". */
export const syncSummary = (report: SyncReport): string => syncSummaryLines(report).join(" ");
