import { describe, expect, it } from "vitest";
import {
  type ContactEmail,
  DEFAULT_LOCATION_TYPE,
  defineContact,
  displayNameFor,
  newIndividual,
  primaryEmailOf,
  withPrimaryEmail,
} from "../../../src/domain/contact.js";
import { Email } from "../../../src/domain/email.js";

const pathsOf = (result: ReturnType<typeof defineContact>) => {
  const error = result._unsafeUnwrapErr();
  expect(error.kind).toBe("ValidationFailed");
  return error.details.map((issue) => issue.path);
};

describe("defineContact", () => {
  it("defaults to an Individual and stores emails trimmed and lower-cased", () => {
    const contact = defineContact({
      firstName: " Ann ",
      lastName: " Lee ",
      emails: [{ email: "  Ann@X.ORG ", isPrimary: true }],
    })._unsafeUnwrap();
    expect(contact).toEqual({
      contactType: "Individual",
      firstName: "Ann",
      lastName: "Lee",
      displayName: "Ann Lee",
      emails: [{ email: "ann@x.org", isPrimary: true, locationType: "Home" }],
    });
  });

  it("makes the first email primary when none is marked", () => {
    const contact = defineContact({
      emails: [{ email: "a@x.org", locationType: "Work" }, { email: "b@x.org" }],
    })._unsafeUnwrap();
    expect(contact.emails).toEqual([
      { email: "a@x.org", isPrimary: true, locationType: "Work" },
      { email: "b@x.org", isPrimary: false, locationType: "Home" },
    ]);
  });

  it("keeps the marked primary", () => {
    const contact = defineContact({
      emails: [{ email: "a@x.org" }, { email: "b@x.org", isPrimary: true }],
    })._unsafeUnwrap();
    expect(contact.emails.map((e) => e.isPrimary)).toEqual([false, true]);
    expect(primaryEmailOf(contact)?.email).toBe("b@x.org");
  });

  it("refuses two primary emails", () => {
    const result = defineContact({
      emails: [
        { email: "a@x.org", isPrimary: true },
        { email: "b@x.org", isPrimary: true },
      ],
    });
    expect(pathsOf(result)).toEqual(["emails"]);
  });

  it("refuses an invalid email with its index", () => {
    expect(pathsOf(defineContact({ emails: [{ email: "a@x.org" }, { email: "nope" }] }))).toEqual([
      "emails.1.email",
    ]);
  });

  it("refuses an email given twice, compared by key", () => {
    expect(
      pathsOf(defineContact({ emails: [{ email: "a@x.org" }, { email: " A@X.org" }] })),
    ).toEqual(["emails.1.email"]);
  });

  it("refuses an unknown contact type", () => {
    expect(pathsOf(defineContact({ contactType: "Robot" }))).toEqual(["contactType"]);
  });

  it.each(["Organization", "Household"])("accepts contact type %s", (contactType) => {
    expect(defineContact({ contactType })._unsafeUnwrap().contactType).toBe(contactType);
  });

  it("uses the given display name, else the names, else the primary email", () => {
    expect(
      defineContact({ displayName: " Dr. Lee ", firstName: "Ann" })._unsafeUnwrap().displayName,
    ).toBe("Dr. Lee");
    expect(defineContact({ firstName: "Ann" })._unsafeUnwrap().displayName).toBe("Ann");
    expect(defineContact({ emails: [{ email: "B@x.org" }] })._unsafeUnwrap().displayName).toBe(
      "b@x.org",
    );
    expect(defineContact({})._unsafeUnwrap().displayName).toBe("");
  });

  it("drops empty names", () => {
    const contact = defineContact({ firstName: "  ", lastName: "" })._unsafeUnwrap();
    expect(contact).not.toHaveProperty("firstName");
    expect(contact).not.toHaveProperty("lastName");
  });
});

describe("withPrimaryEmail", () => {
  const emails: ContactEmail[] = [
    { email: "old@x.org", isPrimary: true, locationType: "Work" },
    { email: "other@x.org", isPrimary: false, locationType: "Home" },
  ];

  it("replaces the primary address in place, keeping its location type", () => {
    expect(withPrimaryEmail(emails, " New@X.org ")).toEqual([
      { email: "new@x.org", isPrimary: true, locationType: "Work" },
      { email: "other@x.org", isPrimary: false, locationType: "Home" },
    ]);
  });

  it("adds a primary email when there is none", () => {
    expect(withPrimaryEmail([], "N@x.org")).toEqual([
      { email: "n@x.org", isPrimary: true, locationType: DEFAULT_LOCATION_TYPE },
    ]);
    expect(
      withPrimaryEmail([{ email: "b@x.org", isPrimary: false, locationType: "Work" }], "n@x.org"),
    ).toEqual([
      { email: "n@x.org", isPrimary: true, locationType: "Home" },
      { email: "b@x.org", isPrimary: false, locationType: "Work" },
    ]);
  });

  it("promotes an existing non-primary address instead of repeating it", () => {
    const result = withPrimaryEmail(emails, "OTHER@x.org");
    expect(result).toEqual([{ email: "other@x.org", isPrimary: true, locationType: "Work" }]);
  });

  it("keeps exactly one primary", () => {
    const result = withPrimaryEmail(emails, "z@x.org");
    expect(result.filter((e) => e.isPrimary)).toHaveLength(1);
  });

  it("does not change the given list", () => {
    const copy = structuredClone(emails);
    withPrimaryEmail(emails, "z@x.org");
    expect(emails).toEqual(copy);
  });
});

describe("newIndividual", () => {
  const email = Email.parse(" Ann@X.org ")._unsafeUnwrap();

  it("creates an Individual with the email key as primary Home email", () => {
    expect(newIndividual(email, { firstName: "Ann", lastName: "Lee" })).toEqual({
      contactType: "Individual",
      firstName: "Ann",
      lastName: "Lee",
      displayName: "Ann Lee",
      emails: [{ email: "ann@x.org", isPrimary: true, locationType: "Home" }],
    });
  });

  it("uses the email as display name without names", () => {
    expect(newIndividual(email, {}).displayName).toBe("ann@x.org");
  });

  it("uses a single name as display name", () => {
    expect(newIndividual(email, { lastName: "Lee" }).displayName).toBe("Lee");
  });
});

describe("displayNameFor", () => {
  it("joins first and last name, else falls back", () => {
    expect(displayNameFor({ firstName: "Ann", lastName: "Lee" }, "a@x.org")).toBe("Ann Lee");
    expect(displayNameFor({ firstName: "Ann" })).toBe("Ann");
    expect(displayNameFor({}, "a@x.org")).toBe("a@x.org");
    expect(displayNameFor({})).toBe("");
  });
});
