import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Email, emailKeyOf } from "../../../src/domain/email.js";

const problemOf = (raw: string | null | undefined) => Email.parse(raw)._unsafeUnwrapErr();
const emailOf = (raw: string) => Email.parse(raw)._unsafeUnwrap();

describe("Email.parse", () => {
  it("trims surrounding whitespace and keeps the casing in the address", () => {
    const email = emailOf("  A.Person@Example.ORG\t\n");
    expect(email.address).toBe("A.Person@Example.ORG");
  });

  it("lower-cases the trimmed address for the key", () => {
    expect(emailOf(" A@X.ORG ").key).toBe("a@x.org");
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["empty", ""],
    ["spaces", "   "],
    ["tabs and newlines", "\t\n \r"],
  ])("gives no-email for %s", (_label, raw) => {
    expect(problemOf(raw)).toBe("no-email");
  });

  it.each([
    ["no @", "person.example.org"],
    ["two @", "a@b@example.org"],
    ["empty local part", "@example.org"],
    ["empty domain", "person@"],
    ["only @", "@"],
    ["inner space", "a person@example.org"],
    ["inner space in domain", "person@exa mple.org"],
    ["inner tab", "person@\texample.org"],
  ])("gives invalid-email for %s", (_label, raw) => {
    expect(problemOf(raw)).toBe("invalid-email");
  });

  it("accepts an address of exactly 254 characters", () => {
    const raw = `${"a".repeat(64)}@${"b".repeat(254 - 65)}`;
    expect(raw).toHaveLength(254);
    expect(emailOf(raw).address).toBe(raw);
  });

  it("refuses an address of 255 characters", () => {
    const raw = `${"a".repeat(64)}@${"b".repeat(255 - 65)}`;
    expect(raw).toHaveLength(255);
    expect(problemOf(raw)).toBe("invalid-email");
  });

  it("measures the length after trimming", () => {
    const raw = `${"a".repeat(64)}@${"b".repeat(254 - 65)}`;
    expect(Email.parse(`   ${raw}   `).isOk()).toBe(true);
  });

  it("the key matches the same address trimmed, in any case, and no other", () => {
    const email = emailOf("A@x.org");
    expect(email.key).toBe(emailKeyOf("  a@X.ORG "));
    expect(email.key).not.toBe(emailKeyOf("b@x.org"));
  });

  it("emailKeyOf trims and lower-cases", () => {
    expect(emailKeyOf("  B@Y.Org ")).toBe("b@y.org");
  });

  it("property: the key is the address lower-cased, and parsing is idempotent", () => {
    fc.assert(
      fc.property(
        fc.emailAddress().filter((address) => address.length <= 254),
        fc.constantFrom("", " ", "\t", "  \n"),
        (address, pad) => {
          const email = Email.parse(`${pad}${address.toUpperCase()}${pad}`)._unsafeUnwrap();
          expect(email.address).toBe(address.toUpperCase());
          expect(email.key).toBe(address.toLowerCase());
          expect(Email.parse(email.key)._unsafeUnwrap().key).toBe(email.key);
        },
      ),
    );
  });

  it("property: a string without @ is never valid", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes("@")),
        (raw) => {
          expect(Email.parse(raw).isErr()).toBe(true);
        },
      ),
    );
  });
});
