import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  countOutcome,
  emptySyncReport,
  type SyncReport,
  syncSummary,
} from "../../../src/domain/sync-report.js";

/** Counter by counter, the sum of two reports. */
const addReports = (a: SyncReport, b: SyncReport): SyncReport => ({
  checked: a.checked + b.checked,
  alreadyLinked: a.alreadyLinked + b.alreadyLinked,
  matched: a.matched + b.matched,
  created: a.created + b.created,
  skipped: a.skipped + b.skipped,
  failed: a.failed + b.failed,
});

const report = (counts: Partial<SyncReport>): SyncReport => {
  const r = { ...emptySyncReport(), ...counts };
  r.checked = r.alreadyLinked + r.matched + r.created + r.skipped + r.failed;
  return r;
};

describe("syncSummary (§9)", () => {
  it("reads the spec's example", () => {
    expect(syncSummary(report({ alreadyLinked: 1, matched: 1, created: 1 }))).toBe(
      "Checked 3 user records. Found 2 matching contact records. Created 1 new contact record.",
    );
  });

  it("uses the plural for 0", () => {
    expect(syncSummary(emptySyncReport())).toBe(
      "Checked 0 user records. Found 0 matching contact records. Created 0 new contact records.",
    );
  });

  it("uses the singular for exactly 1 of each", () => {
    expect(
      syncSummary({ checked: 1, alreadyLinked: 0, matched: 1, created: 1, skipped: 1, failed: 1 }),
    ).toBe(
      "Checked 1 user record. Found 1 matching contact record. Created 1 new contact record. " +
        "Skipped 1 user without a valid email. Failed 1 user record.",
    );
  });

  it("uses the plural for many of each", () => {
    expect(
      syncSummary(report({ alreadyLinked: 2, matched: 1, created: 2, skipped: 2, failed: 3 })),
    ).toBe(
      "Checked 10 user records. Found 3 matching contact records. Created 2 new contact records. " +
        "Skipped 2 users without a valid email. Failed 3 user records.",
    );
  });

  it("Found counts the already linked and the newly matched", () => {
    expect(syncSummary(report({ alreadyLinked: 1 }))).toBe(
      "Checked 1 user record. Found 1 matching contact record. Created 0 new contact records.",
    );
  });

  it("leaves out Skipped when 0 and keeps Failed", () => {
    expect(syncSummary(report({ created: 1, failed: 1 }))).toBe(
      "Checked 2 user records. Found 0 matching contact records. Created 1 new contact record. " +
        "Failed 1 user record.",
    );
  });

  it("leaves out Failed when 0 and keeps Skipped", () => {
    const summary = syncSummary(report({ skipped: 1 }));
    expect(summary).toBe(
      "Checked 1 user record. Found 0 matching contact records. Created 0 new contact records. " +
        "Skipped 1 user without a valid email.",
    );
    expect(summary).not.toContain("Failed");
  });

  it("scenario 13", () => {
    expect(syncSummary(report({ alreadyLinked: 1, matched: 1, created: 1, skipped: 1 }))).toBe(
      "Checked 4 user records. Found 2 matching contact records. Created 1 new contact record. Skipped 1 user without a valid email.",
    );
  });

  it("scenario 14 (re-run of 13)", () => {
    expect(syncSummary(report({ alreadyLinked: 3, skipped: 1 }))).toBe(
      "Checked 4 user records. Found 3 matching contact records. Created 0 new contact records. Skipped 1 user without a valid email.",
    );
  });
});

const SYNC_OUTCOMES = [
  "already-linked",
  "linked-existing",
  "created-contact",
  "skipped",
  "failed",
] as const;

describe("countOutcome", () => {
  it.each([
    ["already-linked", "alreadyLinked"],
    ["linked-existing", "matched"],
    ["created-contact", "created"],
    ["skipped", "skipped"],
    ["failed", "failed"],
  ] as const)("counts %s as %s", (outcome, counter) => {
    const counted = countOutcome(emptySyncReport(), outcome);
    expect(counted).toEqual({ ...emptySyncReport(), checked: 1, [counter]: 1 });
  });

  it("takes only what a sync can end in: the compiler refuses any other outcome", () => {
    expectTypeOf(countOutcome).parameter(1).toEqualTypeOf<(typeof SYNC_OUTCOMES)[number]>();
    const refused = (report: SyncReport) => [
      // @ts-expect-error a sync cannot end in "ignored"
      countOutcome(report, "ignored"),
      // @ts-expect-error a sync cannot end in "email-synced"
      countOutcome(report, "email-synced"),
      // @ts-expect-error a sync cannot end in "unchanged"
      countOutcome(report, "unchanged"),
      // @ts-expect-error a sync cannot end in "unlinked"
      countOutcome(report, "unlinked"),
      // @ts-expect-error a sync cannot end in "contact-created"
      countOutcome(report, "contact-created"),
    ];
    expect(refused).toBeTypeOf("function");
  });

  it("does not change the given report", () => {
    const r = emptySyncReport();
    countOutcome(r, "created-contact");
    expect(r).toEqual(emptySyncReport());
  });

  it("property: checked is always the sum of the counters", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SYNC_OUTCOMES), { maxLength: 200 }), (outcomes) => {
        const r = outcomes.reduce(countOutcome, emptySyncReport());
        expect(r.checked).toBe(outcomes.length);
        expect(r.checked).toBe(r.alreadyLinked + r.matched + r.created + r.skipped + r.failed);
      }),
    );
  });

  it("property: adding the reports of two halves gives the report of the whole", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SYNC_OUTCOMES)),
        fc.array(fc.constantFrom(...SYNC_OUTCOMES)),
        (left, right) => {
          const whole = [...left, ...right].reduce(countOutcome, emptySyncReport());
          const sum = addReports(
            left.reduce(countOutcome, emptySyncReport()),
            right.reduce(countOutcome, emptySyncReport()),
          );
          expect(sum).toEqual(whole);
        },
      ),
    );
  });
});
