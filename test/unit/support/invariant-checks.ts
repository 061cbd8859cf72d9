import { isDeepStrictEqual } from "node:util";
import type { AuditEntry, DomainId, SyncResult, UserProfile } from "../../../src/index.js";
import type { Answer, EventRun } from "./event-runner.js";
import { type CivilinkEvent, DOMAIN_IDS, type UserRef } from "./invariant-scenarios.js";
import {
  auditAddedIn,
  contactOf,
  linkOf,
  outboxAddedIn,
  type StoreSnapshot,
  userKey,
  userOf,
} from "./store-snapshot.js";

/**
 * The invariants checked after every step of the property test. Each check answers a list of
 * violations (empty when it holds), worded so that a shrunk counterexample explains itself.
 * The expectations are computed from docs/behaviour.md here, not with civilink's own domain helpers.
 */

/** What one step did: the store before and after, and how each of its events was answered. */
export interface StepRecord {
  pre: StoreSnapshot;
  post: StoreSnapshot;
  runs: EventRun[];
}

export function checkStep(step: StepRecord): string[] {
  return [
    ...checkOneLinkPerUserAndContact(step.post),
    ...checkNoLinkToTrashedContact(step.post),
    ...checkNoContactCreatedForLinkedUser(step),
    ...checkNothingWrittenWithoutValidEmail(step),
    ...checkAuditIsAppendOnly(step),
    ...checkLinksFollowAudit(step),
    ...checkCreatedContactsFollowAudit(step),
    ...checkUfNameChangesFollowAudit(step),
    ...checkOutboxFollowsAudit(step),
    ...checkAuditEntriesHaveACause(step),
    ...checkSyncReportMatchesWrites(step),
    ...checkAnswers(step),
  ];
}

// --- §2, independently of src/domain/email.ts ----------------------------------------

export function isValidEmail(raw: string | undefined): boolean {
  const trimmed = (raw ?? "").trim();
  if (trimmed === "" || trimmed.length > 254 || /\s/.test(trimmed)) return false;
  const parts = trimmed.split("@");
  return parts.length === 2 && parts[0] !== "" && parts[1] !== "";
}

const emailKey = (raw: string) => raw.trim().toLowerCase();

/** The email of the user once the event's profile is merged into the stored user (§5). */
const mergedEmail = (pre: StoreSnapshot, user: UserRef, profile: UserProfile) =>
  "email" in profile ? profile.email : userOf(pre, user.domainId, user.userId)?.email;

// --- small helpers ----------------------------------------------------------------------------

const describe = (event: CivilinkEvent) => JSON.stringify(event);
const describeEntry = ({ at: _at, ...entry }: AuditEntry) => JSON.stringify(entry);

const isSingleEvent = (step: StepRecord) => step.runs.length === 1;

const eventsOf = (step: StepRecord) => step.runs.map((run) => run.event);

const isAbout = (event: CivilinkEvent, domainId: DomainId, userId: number | null) =>
  (event.type === "user-event" || event.type === "user-deletion") &&
  event.domainId === domainId &&
  event.userId === userId;

const deletedInStep = (step: StepRecord, domainId: DomainId, userId: number | null) =>
  eventsOf(step).some((e) => e.type === "user-deletion" && isAbout(e, domainId, userId));

const syncedInStep = (step: StepRecord, domainId: DomainId) =>
  eventsOf(step).some((e) => e.type === "sync" && e.domainId === domainId);

function* addedEntries(step: StepRecord): Generator<AuditEntry> {
  for (const domainId of DOMAIN_IDS) yield* auditAddedIn(step.pre, step.post, domainId);
}

// --- 1. at most one link per (domain, user) and per (domain, contact) ------------------------

export function checkOneLinkPerUserAndContact(snapshot: StoreSnapshot): string[] {
  const violations: string[] = [];
  const users = new Set<string>();
  const contacts = new Set<string>();
  for (const link of snapshot.links) {
    const byUser = userKey(link.domainId, link.userId);
    const byContact = `${link.domainId}:${link.contactId}`;
    if (users.has(byUser)) violations.push(`[1] user ${byUser} has two links`);
    if (contacts.has(byContact)) violations.push(`[1] contact ${byContact} has two links`);
    users.add(byUser);
    contacts.add(byContact);
  }
  return violations;
}

/** Ensure-link never picks a trashed contact and a linked one cannot be trashed (§3, §8). */
export function checkNoLinkToTrashedContact(snapshot: StoreSnapshot): string[] {
  return snapshot.links
    .filter((link) => contactOf(snapshot, link.contactId)?.isDeleted !== false)
    .map(
      (link) =>
        `[1] user ${userKey(link.domainId, link.userId)} is linked to contact ${link.contactId}, which is trashed or missing`,
    );
}

// --- 2. no contact is created for a user already linked before the step -----------------------

function checkNoContactCreatedForLinkedUser(step: StepRecord): string[] {
  const { pre, post } = step;
  const violations: string[] = [];
  for (const entry of addedEntries(step)) {
    if (entry.action !== "created-contact" || entry.userId === null) continue;
    if (
      linkOf(pre, entry.domainId, entry.userId) &&
      !deletedInStep(step, entry.domainId, entry.userId)
    ) {
      violations.push(`[2] a contact was created for already linked user: ${describeEntry(entry)}`);
    }
  }
  const [only] = step.runs;
  if (isSingleEvent(step) && only?.event.type === "user-event") {
    const { event } = only;
    if (linkOf(pre, event.domainId, event.userId) && post.contacts.length !== pre.contacts.length) {
      violations.push(
        `[2] ${describe(event)} of a linked user changed the contact count ${pre.contacts.length} → ${post.contacts.length}`,
      );
    }
  }
  return violations;
}

// --- 3. nothing is written for a user event without a valid email (§2) -----------------

function checkNothingWrittenWithoutValidEmail(step: StepRecord): string[] {
  const { pre, post } = step;
  const violations: string[] = [];
  for (const { event } of step.runs) {
    if (event.type !== "user-event") continue;
    if (isValidEmail(mergedEmail(pre, event, event.profile))) continue;
    const wasLinked = linkOf(pre, event.domainId, event.userId) !== undefined;
    if (isSingleEvent(step)) {
      const unchanged = wasLinked
        ? isDeepStrictEqual(pre.links, post.links) && isDeepStrictEqual(pre.contacts, post.contacts)
        : pre.links.length === post.links.length &&
          pre.contacts.length === post.contacts.length &&
          [...addedEntries(step)].length === 0;
      if (!unchanged) {
        violations.push(`[3] ${describe(event)} without a valid email wrote links or contacts`);
      }
      continue;
    }
    // In a batch, only a user no other event of the batch can link is judged.
    const others = eventsOf(step).filter(
      (other) => other !== event && isAbout(other, event.domainId, event.userId),
    );
    if (wasLinked || others.length > 0 || syncedInStep(step, event.domainId)) continue;
    const linkedNow = linkOf(post, event.domainId, event.userId);
    const entries = [...addedEntries(step)].filter(
      (entry) => entry.domainId === event.domainId && entry.userId === event.userId,
    );
    if (linkedNow || entries.length > 0) {
      violations.push(`[3] ${describe(event)} without a valid email linked the user`);
    }
  }
  return violations;
}

// --- 4. the audit log matches the writes -------------------------------------------------------

function checkAuditIsAppendOnly({ pre, post }: StepRecord): string[] {
  return DOMAIN_IDS.flatMap((domainId) => {
    const before = pre.audit.get(domainId) ?? [];
    const kept = (post.audit.get(domainId) ?? []).slice(0, before.length);
    const outboxBefore = pre.outbox.get(domainId) ?? [];
    const outboxKept = (post.outbox.get(domainId) ?? []).slice(0, outboxBefore.length);
    return [
      ...(isDeepStrictEqual(before, kept)
        ? []
        : [`[4] domain ${domainId}'s audit log was rewritten`]),
      ...(isDeepStrictEqual(outboxBefore, outboxKept)
        ? []
        : [`[4] domain ${domainId}'s outbox was rewritten`]),
    ];
  });
}

/**
 * Replays the step's audit entries on the links before the step: every link that appeared
 * must have a linked-existing or created-contact entry, every one that disappeared an
 * unlinked entry, and no entry may describe a link write that did not happen.
 */
function checkLinksFollowAudit(step: StepRecord): string[] {
  const { pre, post } = step;
  const violations: string[] = [];
  for (const domainId of DOMAIN_IDS) {
    const contactOfUser = new Map<number, number>(
      pre.links.filter((l) => l.domainId === domainId).map((l) => [l.userId, l.contactId]),
    );
    for (const entry of auditAddedIn(pre, post, domainId)) {
      if (entry.userId === null || entry.action === "conflict") continue;
      const current = contactOfUser.get(entry.userId);
      switch (entry.action) {
        case "linked-existing":
        case "created-contact":
          if (current !== undefined) {
            violations.push(`[4] ${describeEntry(entry)} while the user was linked to ${current}`);
          }
          contactOfUser.set(entry.userId, entry.contactId);
          break;
        case "unlinked":
          if (current !== entry.contactId) {
            violations.push(`[4] ${describeEntry(entry)} but the user was linked to ${current}`);
          }
          contactOfUser.delete(entry.userId);
          break;
        case "email-synced":
        case "ufname-updated":
          if (current !== entry.contactId) {
            violations.push(`[4] ${describeEntry(entry)} but the user was linked to ${current}`);
          }
          break;
      }
    }
    const after = new Map<number, number>(
      post.links.filter((l) => l.domainId === domainId).map((l) => [l.userId, l.contactId]),
    );
    for (const [userId, contactId] of after) {
      if (contactOfUser.get(userId) !== contactId) {
        violations.push(
          `[4] link ${domainId}:${userId}→${contactId} is in the store but the audit log says ${contactOfUser.get(userId)}`,
        );
      }
    }
    for (const [userId, contactId] of contactOfUser) {
      if (!after.has(userId)) {
        violations.push(
          `[4] the audit log says ${domainId}:${userId}→${contactId} but the store has no link`,
        );
      }
    }
  }
  return violations;
}

/** Contacts are created during steps only by user events, syncs and anonymous visitors. */
function checkCreatedContactsFollowAudit(step: StepRecord): string[] {
  const { pre, post } = step;
  const preIds = new Set(pre.contacts.map((contact) => contact.id));
  const created = post.contacts.filter((c) => !preIds.has(c.id)).map((c) => c.id);
  const audited = [...addedEntries(step)]
    .filter((entry) => entry.action === "created-contact")
    .map((entry) => entry.contactId);
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
  const violations: string[] = [];
  if (!isDeepStrictEqual(sorted(created), sorted(audited))) {
    violations.push(
      `[4] contacts created ${JSON.stringify(sorted(created))} but created-contact entries for ${JSON.stringify(sorted(audited))}`,
    );
  }
  const lost = pre.contacts.filter((contact) => !contactOf(post, contact.id));
  if (lost.length > 0) violations.push(`[4] contacts vanished: ${lost.map((c) => c.id)}`);
  return violations;
}

/** A link whose ufName changed has an email-synced or ufname-updated entry (or was re-made). */
function checkUfNameChangesFollowAudit(step: StepRecord): string[] {
  const { pre, post } = step;
  const violations: string[] = [];
  for (const link of post.links) {
    const before = linkOf(pre, link.domainId, link.userId);
    if (!before || before.contactId !== link.contactId) continue;
    const entries = [...addedEntries(step)].filter(
      (entry) =>
        entry.domainId === link.domainId &&
        entry.userId === link.userId &&
        entry.contactId === link.contactId &&
        entry.action !== "conflict" &&
        entry.action !== "unlinked",
    );
    if (before.ufName !== link.ufName && entries.length === 0) {
      violations.push(
        `[4] ufName of ${userKey(link.domainId, link.userId)} changed ${JSON.stringify(before.ufName)} → ${JSON.stringify(link.ufName)} without an audit entry`,
      );
    }
    const claimsChange = entries.some(
      (entry) => entry.action === "email-synced" || entry.action === "ufname-updated",
    );
    if (isSingleEvent(step) && claimsChange && emailKey(before.ufName) === emailKey(link.ufName)) {
      violations.push(
        `[4] an email-synced/ufname-updated entry for ${userKey(link.domainId, link.userId)} but its ufName key did not change`,
      );
    }
  }
  return violations;
}

/** Each `user.email-changed` event goes with a ufname-updated entry of trigger contact-update. */
function checkOutboxFollowsAudit(step: StepRecord): string[] {
  const { pre, post } = step;
  const violations: string[] = [];
  for (const domainId of DOMAIN_IDS) {
    const events = outboxAddedIn(pre, post, domainId).map((event) => event.userId);
    const entries = auditAddedIn(pre, post, domainId)
      .filter((entry) => entry.action === "ufname-updated" && entry.trigger === "contact-update")
      .map((entry) => entry.userId);
    if (!isDeepStrictEqual(events, entries)) {
      violations.push(
        `[4] domain ${domainId}: outbox events for users ${JSON.stringify(events)} but ufname-updated entries for ${JSON.stringify(entries)}`,
      );
    }
    if (!isSingleEvent(step)) continue;
    for (const event of outboxAddedIn(pre, post, domainId)) {
      const link = linkOf(post, domainId, event.userId);
      const user = userOf(post, domainId, event.userId);
      if (link?.ufName !== event.email || user?.email !== event.email) {
        violations.push(
          `[4] outbox says ${domainId}:${event.userId} now has ${event.email}, store has ufName ${link?.ufName} and email ${user?.email}`,
        );
      }
    }
  }
  return violations;
}

/** No audit entry without an event of the step that could have caused it. */
function checkAuditEntriesHaveACause(step: StepRecord): string[] {
  const events = eventsOf(step);
  const profileUpdates = events.filter(
    (e) => e.type === "user-event" && e.kind === "profile-update",
  );
  const contactChanged = (contactId: number) =>
    profileUpdates.length > 0 ||
    events.some((e) => e.type === "contact-email-change" && e.contactId === contactId);
  const userEvent = (entry: AuditEntry) =>
    events.some(
      (e) =>
        e.type === "user-event" &&
        isAbout(e, entry.domainId, entry.userId) &&
        e.kind === entry.trigger,
    );
  const hasCause = (entry: AuditEntry): boolean => {
    switch (entry.action) {
      case "linked-existing":
        return entry.trigger === "sync" ? syncedInStep(step, entry.domainId) : userEvent(entry);
      case "created-contact":
        if (entry.userId === null) {
          return events.some(
            (e) => e.type === "anonymous-interaction" && e.domainId === entry.domainId,
          );
        }
        return entry.trigger === "sync" ? syncedInStep(step, entry.domainId) : userEvent(entry);
      case "unlinked":
        return (
          entry.trigger === "user-deletion" && deletedInStep(step, entry.domainId, entry.userId)
        );
      case "email-synced":
        return entry.trigger === "profile-update" && userEvent(entry);
      case "ufname-updated":
        return entry.trigger === "contact-update"
          ? contactChanged(entry.contactId)
          : userEvent(entry);
      case "conflict":
        return entry.trigger === "contact-update" && contactChanged(entry.contactId);
    }
  };
  return [...addedEntries(step)]
    .filter((entry) => !hasCause(entry))
    .map((entry) => `[4] audit entry without a cause in the step: ${describeEntry(entry)}`);
}

/** A sync run alone: its counters are what the store before it says, and what it wrote. */
function checkSyncReportMatchesWrites(step: StepRecord): string[] {
  const [only] = step.runs;
  if (!isSingleEvent(step) || only?.event.type !== "sync" || only.answer.status !== "ok") return [];
  const { domainId } = only.event;
  const { report } = only.answer.value as SyncResult;
  const users = step.pre.users.filter((user) => user.domainId === domainId);
  const linked = users.filter((user) => linkOf(step.pre, domainId, user.userId));
  const skipped = users.filter(
    (user) => !linkOf(step.pre, domainId, user.userId) && !isValidEmail(user.email),
  );
  const entries = auditAddedIn(step.pre, step.post, domainId).filter((e) => e.trigger === "sync");
  const expected = {
    checked: users.length,
    alreadyLinked: linked.length,
    matched: entries.filter((entry) => entry.action === "linked-existing").length,
    created: entries.filter((entry) => entry.action === "created-contact").length,
    skipped: skipped.length,
    failed: 0,
  };
  const violations: string[] = [];
  if (!isDeepStrictEqual(report, expected)) {
    violations.push(
      `[4] sync of domain ${domainId} reported ${JSON.stringify(report)}, the store says ${JSON.stringify(expected)}`,
    );
  }
  if (expected.matched + expected.created !== users.length - linked.length - skipped.length) {
    violations.push(`[4] sync of domain ${domainId} left a user with a valid email unlinked`);
  }
  return violations;
}

// --- 5. every answer is ok or a documented error ------------------------------------------------

const DOCUMENTED_ERRORS: Record<CivilinkEvent["type"], readonly string[]> = {
  "user-event": [],
  "user-deletion": [],
  "contact-email-change": ["ContactNotFound"],
  "trash-attempt": ["ContactIsLinked", "ContactNotFound"],
  "anonymous-interaction": [],
  sync: [],
};

const describeAnswer = (answer: Answer) =>
  answer.status === "rejected" ? `rejected with ${String(answer.cause)}` : JSON.stringify(answer);

function checkAnswers(step: StepRecord): string[] {
  const violations: string[] = [];
  for (const { event, answer } of step.runs) {
    const documented =
      answer.status === "ok" ||
      (answer.status === "error" && DOCUMENTED_ERRORS[event.type].includes(answer.error.kind));
    if (!documented) {
      violations.push(`[5] ${describe(event)} answered ${describeAnswer(answer)}`);
      continue;
    }
    if (event.type === "sync" && answer.status === "ok") {
      violations.push(...checkSyncFailures(step, event.domainId, answer.value as SyncResult));
    }
    if (isSingleEvent(step)) violations.push(...checkExactAnswer(step, event, answer));
  }
  return violations;
}

/** A sync counts a failure only for a user deleted while it ran. */
function checkSyncFailures(step: StepRecord, domainId: DomainId, result: SyncResult): string[] {
  return result.failures
    .filter((failure) => !deletedInStep(step, domainId, failure.userId))
    .map(
      (failure) =>
        `[5] sync of domain ${domainId} failed user ${failure.userId}: ${failure.reason}`,
    );
}

/** For a step of one event, which documented answer is the right one. */
function checkExactAnswer(step: StepRecord, event: CivilinkEvent, answer: Answer): string[] {
  if (event.type !== "trash-attempt" && event.type !== "contact-email-change") return [];
  const { pre, post } = step;
  const kind = answer.status === "error" ? answer.error.kind : "ok";
  const contact = contactOf(pre, event.contactId);
  const linked = pre.links.some((link) => link.contactId === event.contactId);
  const expected = !contact
    ? "ContactNotFound"
    : event.type === "trash-attempt" && linked
      ? "ContactIsLinked"
      : "ok";
  const violations: string[] = [];
  if (kind !== expected)
    violations.push(`[5] ${describe(event)} answered ${kind}, not ${expected}`);
  const after = contactOf(post, event.contactId);
  if (kind === "ok" && event.type === "trash-attempt" && after?.isDeleted !== true) {
    violations.push(`[5] ${describe(event)} answered ok but the contact is not in the trash`);
  }
  if (kind === "ok" && event.type === "contact-email-change") {
    const primary = after?.emails.find((email) => email.isPrimary)?.email;
    if (primary !== emailKey(event.email)) {
      violations.push(`[5] ${describe(event)} answered ok but the primary email is ${primary}`);
    }
  }
  return violations;
}

// --- 6. a dry run changes nothing and predicts the real run -----------------------------------

export function checkDryRun(
  domainId: DomainId,
  before: StoreSnapshot,
  afterDryRun: StoreSnapshot,
  dryRun: Answer,
  realRun: Answer,
): string[] {
  if (dryRun.status !== "ok")
    return [`[5] dry-run sync of domain ${domainId}: ${describeAnswer(dryRun)}`];
  const violations: string[] = [];
  if (!isDeepStrictEqual(before, afterDryRun)) {
    violations.push(`[6] a dry-run sync of domain ${domainId} changed the store`);
  }
  const dry = dryRun.value as SyncResult;
  if (!dry.dryRun) violations.push(`[6] a dry-run sync of domain ${domainId} says dryRun false`);
  if (realRun.status === "ok") {
    const real = realRun.value as SyncResult;
    if (!isDeepStrictEqual(dry.report, real.report) || dry.message !== real.message) {
      violations.push(
        `[6] domain ${domainId}: dry run reported ${JSON.stringify(dry.report)}, the real sync ${JSON.stringify(real.report)}`,
      );
    }
  }
  return violations;
}
