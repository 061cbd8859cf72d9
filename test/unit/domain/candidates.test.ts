import { describe, expect, it } from "vitest";
import { firstFreeCandidate, rankCandidates } from "../../../src/domain/candidates.js";
import type { Contact, ContactEmail, ContactType } from "../../../src/domain/contact.js";
import { DEFAULT_DEDUPE_RULE, type DedupeRule } from "../../../src/domain/dedupe-rule.js";
import { Email } from "../../../src/domain/email.js";

const A = Email.parse(" A@X.org ")._unsafeUnwrap();
const NAMES_RULE: DedupeRule = { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 };

const primary = (email: string): ContactEmail => ({ email, isPrimary: true, locationType: "Home" });
const other = (email: string): ContactEmail => ({ email, isPrimary: false, locationType: "Work" });

const contact = (
  id: number,
  emails: ContactEmail[],
  extra: {
    contactType?: ContactType;
    isDeleted?: boolean;
    firstName?: string;
    lastName?: string;
  } = {},
): Contact => ({
  id,
  contactType: extra.contactType ?? "Individual",
  ...(extra.firstName ? { firstName: extra.firstName } : {}),
  ...(extra.lastName ? { lastName: extra.lastName } : {}),
  displayName: `Contact ${id}`,
  emails,
  isDeleted: extra.isDeleted ?? false,
  createdAt: new Date(0),
});

const ids = (contacts: Contact[]) => contacts.map((c) => c.id);
const rank = (contacts: Contact[], rule: DedupeRule = DEFAULT_DEDUPE_RULE, person = {}) =>
  ids(rankCandidates(contacts, A, person, rule));

describe("rankCandidates", () => {
  it("finds a contact by the email key", () => {
    expect(rank([contact(1, [primary("a@x.org")])])).toEqual([1]);
  });

  it("ignores contacts without the email", () => {
    expect(rank([contact(1, [primary("b@x.org")]), contact(2, [])])).toEqual([]);
  });

  it("puts a primary-email match before a non-primary one (scenario 4)", () => {
    expect(
      rank([contact(1, [primary("z@x.org"), other("a@x.org")]), contact(2, [primary("a@x.org")])]),
    ).toEqual([2, 1]);
  });

  it("puts the lowest id first among primary matches (scenario 5)", () => {
    expect(rank([contact(9, [primary("a@x.org")]), contact(3, [primary("a@x.org")])])).toEqual([
      3, 9,
    ]);
  });

  it("orders primary before non-primary, then by id", () => {
    const contacts = [
      contact(5, [other("a@x.org")]),
      contact(4, [primary("a@x.org")]),
      contact(1, [other("a@x.org")]),
      contact(7, [primary("a@x.org")]),
    ];
    expect(rank(contacts)).toEqual([4, 7, 1, 5]);
  });

  it("excludes trashed contacts (scenarios 6, 7)", () => {
    expect(rank([contact(1, [primary("a@x.org")], { isDeleted: true })])).toEqual([]);
    expect(
      rank([contact(1, [primary("a@x.org")], { isDeleted: true }), contact(2, [other("a@x.org")])]),
    ).toEqual([2]);
  });

  it.each(["Organization", "Household"] as const)("excludes %s contacts", (contactType) => {
    expect(rank([contact(1, [primary("a@x.org")], { contactType })])).toEqual([]);
  });

  it("excludes contacts below the dedupe threshold (scenario 25)", () => {
    const contacts = [
      contact(1, [primary("a@x.org")], { firstName: "Bob", lastName: "Lee" }),
      contact(2, [primary("a@x.org")], { firstName: "ann", lastName: "LEE" }),
    ];
    expect(rank(contacts, NAMES_RULE, { firstName: "Ann", lastName: "Lee" })).toEqual([2]);
    expect(rank(contacts, NAMES_RULE, {})).toEqual([]);
  });

  it("does not change the given list", () => {
    const contacts = [contact(2, [primary("a@x.org")]), contact(1, [primary("a@x.org")])];
    rankCandidates(contacts, A, {}, DEFAULT_DEDUPE_RULE);
    expect(ids(contacts)).toEqual([2, 1]);
  });
});

describe("firstFreeCandidate", () => {
  const ranked = [contact(1, [primary("a@x.org")]), contact(2, [primary("a@x.org")])];

  it("takes the first candidate when none is linked", () => {
    expect(firstFreeCandidate(ranked, new Set())?.id).toBe(1);
  });

  it("skips linked candidates (scenario 9)", () => {
    expect(firstFreeCandidate(ranked, new Set([1]))?.id).toBe(2);
  });

  it("gives undefined when every candidate is linked (scenario 8)", () => {
    expect(firstFreeCandidate(ranked, new Set([1, 2]))).toBeUndefined();
    expect(firstFreeCandidate([], new Set())).toBeUndefined();
  });
});
