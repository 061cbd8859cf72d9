import { describe, expect, it } from "vitest";
import type { AnonymousInteractionInput, Civilink, InteractionKind } from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  login,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness, writesOf } from "./helpers.js";

const anonymous = (app: Civilink, input: Partial<AnonymousInteractionInput> & { email: string }) =>
  app.recordAnonymousInteraction.execute({ domainId: 1, kind: "contribution", ...input });

describe("anonymous interaction: errors", () => {
  it.each(BAD_IDS)("refuses domainId %s", async (domainId) => {
    const { app, calls } = harness();
    expect(await expectInvalid(anonymous(app, { domainId, email: "d@x.org" }))).toEqual([
      "domainId",
    ]);
    expect(calls).toEqual([]);
  });

  it("refuses an unknown kind", async () => {
    const { app, calls } = harness();
    const paths = await expectInvalid(
      anonymous(app, { kind: "gift" as InteractionKind, email: "d@x.org" }),
    );
    expect(paths).toEqual(["kind"]);
    expect(calls).toEqual([]);
  });

  it("a missing domain is DomainNotFound and creates nothing", async () => {
    const { app, calls } = harness();
    const error = await expectErr(anonymous(app, { domainId: 3, email: "d@x.org" }));
    expect(error).toMatchObject({ kind: "DomainNotFound", domainId: 3 });
    expect(writesOf(calls)).toEqual([]);
    expect(await contactsWith(app, "d@x.org")).toEqual([]);
  });

  it.each([
    ["", "no-email"],
    ["  ", "no-email"],
    ["donor", "invalid-email"],
  ] as const)("email %j is skipped (%s) and writes nothing", async (email, reason) => {
    const { app, calls } = harness();
    const outcome = await expectOk(anonymous(app, { email }));
    expect(outcome).toEqual({ outcome: "skipped", reason, link: null, contactId: null });
    expect(writesOf(calls)).toEqual([]);
  });
});

describe("anonymous interaction: matching (§5)", () => {
  it("creates an Individual with the names and audits it without a user", async () => {
    const { app } = harness();
    const outcome = await expectOk(
      anonymous(app, { email: " D@X.org ", firstName: " Dora ", lastName: "Donor" }),
    );
    expect(outcome).toEqual({
      outcome: "contact-created",
      link: null,
      contactId: expect.any(Number),
    });
    const contact = await expectOk(app.getContact.execute({ contactId: outcome.contactId ?? 0 }));
    expect(contact).toMatchObject({
      contactType: "Individual",
      firstName: "Dora",
      lastName: "Donor",
      displayName: "Dora Donor",
      emails: [{ email: "d@x.org", isPrimary: true, locationType: "Home" }],
      isDeleted: false,
    });
    expect(await auditOf(app)).toEqual([
      {
        at: expect.any(Date),
        domainId: 1,
        userId: null,
        contactId: contact.id,
        action: "created-contact",
        trigger: "interaction",
      },
    ]);
    expect(await linksOf(app)).toEqual([]);
    expect(await usersOf(app)).toEqual([]);
  });

  it("a contact without names is displayed by its email", async () => {
    const { app } = harness();
    const outcome = await expectOk(anonymous(app, { email: "D@X.org" }));
    const contact = await expectOk(app.getContact.execute({ contactId: outcome.contactId ?? 0 }));
    expect(contact.displayName).toBe("d@x.org");
  });

  it("a second interaction matches the contact the first created, writing nothing", async () => {
    const { app, calls } = harness();
    const first = await expectOk(anonymous(app, { email: "d@x.org", kind: "membership" }));
    calls.length = 0;
    const second = await expectOk(anonymous(app, { email: "D@x.org", kind: "event" }));
    expect(second).toEqual({ outcome: "contact-matched", link: null, contactId: first.contactId });
    expect(writesOf(calls)).toEqual([]);
  });

  it("takes a candidate even though it is linked to a user", async () => {
    const { app } = harness();
    const member = await login(app, 1, 7, { email: "m@x.org" });
    const outcome = await expectOk(anonymous(app, { email: "m@x.org" }));
    expect(outcome).toEqual({
      outcome: "contact-matched",
      link: null,
      contactId: member.contactId,
    });
    expect(await linksOf(app)).toEqual([member.link]);
  });

  it("prefers a primary-email match, then the lowest id", async () => {
    const { app } = harness();
    await expectOk(
      app.createContact.execute({ emails: [{ email: "x@x.org" }, { email: "d@x.org" }] }),
    );
    const primary = await expectOk(app.createContact.execute({ emails: [{ email: "d@x.org" }] }));
    await expectOk(app.createContact.execute({ emails: [{ email: "d@x.org" }] }));
    const outcome = await expectOk(anonymous(app, { email: "d@x.org" }));
    expect(outcome.contactId).toBe(primary.id);
  });

  it("ignores trashed contacts and non-Individuals", async () => {
    const { app } = harness();
    const trashed = await expectOk(app.createContact.execute({ emails: [{ email: "d@x.org" }] }));
    await expectOk(app.trashContact.execute({ contactId: trashed.id }));
    await expectOk(
      app.createContact.execute({ contactType: "Organization", emails: [{ email: "d@x.org" }] }),
    );
    const outcome = await expectOk(anonymous(app, { email: "d@x.org" }));
    expect(outcome.outcome).toBe("contact-created");
    expect(await contactsWith(app, "d@x.org", false)).toHaveLength(2);
  });

  it("applies the domain's dedupe rule", async () => {
    const { app } = harness();
    await putDomain(app, 1, {
      cms: "drupal",
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 },
    });
    const existing = await expectOk(
      app.createContact.execute({
        firstName: "Dora",
        lastName: "Donor",
        emails: [{ email: "d@x.org" }],
      }),
    );
    const same = await expectOk(
      anonymous(app, { email: "d@x.org", firstName: "dora", lastName: " DONOR " }),
    );
    expect(same.contactId).toBe(existing.id);
    const other = await expectOk(
      anonymous(app, { email: "d@x.org", firstName: "Dan", lastName: "Donor" }),
    );
    expect(other.outcome).toBe("contact-created");
  });

  it("a later logged-in interaction links the contact the visitor created (joomla)", async () => {
    const { app } = harness({ cms: "joomla" });
    const visit = await expectOk(anonymous(app, { email: "d@x.org" }));
    const outcome = await expectOk(
      app.linkOnInteraction.execute({
        domainId: 1,
        userId: 4,
        kind: "profile",
        profile: { email: "d@x.org" },
      }),
    );
    expect(outcome).toMatchObject({ outcome: "linked-existing", contactId: visit.contactId });
  });
});
