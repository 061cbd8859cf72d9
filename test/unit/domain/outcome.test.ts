import { describe, expect, expectTypeOf, it } from "vitest";
import type { Link } from "../../../src/domain/link.js";
import {
  type EnsureLinkOutcome,
  type Outcome,
  type OutcomeOf,
  outcomeOf,
} from "../../../src/domain/outcome.js";

const at = new Date("2024-03-04T05:06:07.089Z");
const link: Link = {
  domainId: 1,
  userId: 5,
  contactId: 9,
  ufName: "a@x.org",
  createdAt: at,
  updatedAt: at,
};

describe("outcomeOf", () => {
  it.each([
    "already-linked",
    "linked-existing",
    "created-contact",
    "email-synced",
    "unchanged",
  ] as const)("%s carries the link and its contact, no reason", (kind) => {
    expect(outcomeOf(kind, link)).toEqual({ outcome: kind, link, contactId: 9 });
    expect(Object.keys(outcomeOf(kind, link))).toEqual(["outcome", "link", "contactId"]);
  });

  it("skipped and ignored carry their reason, and the link when there is one", () => {
    expect(outcomeOf("skipped", null, { reason: "no-email" })).toEqual({
      outcome: "skipped",
      reason: "no-email",
      link: null,
      contactId: null,
    });
    expect(outcomeOf("skipped", link, { reason: "invalid-email" })).toEqual({
      outcome: "skipped",
      reason: "invalid-email",
      link,
      contactId: 9,
    });
    expect(outcomeOf("ignored", link, { reason: "cms-policy" })).toEqual({
      outcome: "ignored",
      reason: "cms-policy",
      link,
      contactId: 9,
    });
    expect(Object.keys(outcomeOf("ignored", null, { reason: "cms-policy" }))).toEqual([
      "outcome",
      "reason",
      "link",
      "contactId",
    ]);
  });

  it("unlinked, not-linked and an anonymous interaction's outcomes have no link", () => {
    expect(outcomeOf("not-linked", null)).toEqual({
      outcome: "not-linked",
      link: null,
      contactId: null,
    });
    for (const kind of ["unlinked", "contact-matched", "contact-created"] as const) {
      expect(outcomeOf(kind, null, { contactId: 3 })).toEqual({
        outcome: kind,
        link: null,
        contactId: 3,
      });
    }
  });

  it("narrows on outcome: a link where one holds, a reason only when skipped or ignored", () => {
    expectTypeOf<OutcomeOf<"created-contact">["link"]>().toEqualTypeOf<Link>();
    expectTypeOf<OutcomeOf<"not-linked">["contactId"]>().toEqualTypeOf<null>();
    expectTypeOf<OutcomeOf<"skipped">["reason"]>().toEqualTypeOf<"no-email" | "invalid-email">();
    expectTypeOf<OutcomeOf<"ignored">["reason"]>().toEqualTypeOf<"cms-policy">();
    expectTypeOf<OutcomeOf<"unchanged">["reason"]>().toEqualTypeOf<undefined>();
    expectTypeOf<EnsureLinkOutcome["outcome"]>().toEqualTypeOf<
      "already-linked" | "linked-existing" | "created-contact" | "skipped"
    >();
    const refused = () => [
      // @ts-expect-error a skip says why
      outcomeOf("skipped", null),
      // @ts-expect-error a linked outcome has its link
      outcomeOf("already-linked", null),
      // @ts-expect-error an unlink has no reason
      outcomeOf("unlinked", null, { contactId: 3, reason: "cms-policy" }),
    ];
    expect(refused).toBeTypeOf("function");
    const reasonOf = (outcome: Outcome) => outcome.reason ?? null;
    expect(reasonOf(outcomeOf("skipped", null, { reason: "no-email" }))).toBe("no-email");
    expect(reasonOf(outcomeOf("already-linked", link))).toBeNull();
  });
});
