import { describe, expect, it } from "vitest";
import { expectErr, expectOk } from "../../support/results.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  login,
  outboxOf,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness, writesOf } from "./helpers.js";

describe("createContact", () => {
  it("defaults to an Individual, lower-cases emails, makes the first one primary", async () => {
    const { app } = harness();
    const contact = await expectOk(
      app.createContact.execute({
        firstName: " Ada ",
        lastName: "Lovelace",
        emails: [{ email: " Ada@X.org " }, { email: "ada@work.org", locationType: "Work" }],
      }),
    );
    expect(contact).toEqual({
      id: expect.any(Number),
      contactType: "Individual",
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
      emails: [
        { email: "ada@x.org", isPrimary: true, locationType: "Home" },
        { email: "ada@work.org", isPrimary: false, locationType: "Work" },
      ],
      isDeleted: false,
      createdAt: expect.any(Date),
    });
    expect(await expectOk(app.getContact.execute({ contactId: contact.id }))).toEqual(contact);
  });

  it("keeps a given display name and type; a contact may have no email", async () => {
    const { app } = harness();
    const contact = await expectOk(
      app.createContact.execute({ contactType: "Organization", displayName: "ACME" }),
    );
    expect(contact).toMatchObject({ contactType: "Organization", displayName: "ACME", emails: [] });
  });

  it("gives increasing ids", async () => {
    const { app } = harness();
    const a = await expectOk(app.createContact.execute({}));
    const b = await expectOk(app.createContact.execute({}));
    expect(b.id).toBeGreaterThan(a.id);
  });

  it.each([
    [{ contactType: "Person" }, ["contactType"]],
    [{ emails: [{ email: "nope" }] }, ["emails.0.email"]],
    [{ emails: [{ email: "a@x.org" }, { email: "" }] }, ["emails.1.email"]],
    [{ emails: [{ email: "a@x.org" }, { email: " A@X.ORG " }] }, ["emails.1.email"]],
    [
      {
        emails: [
          { email: "a@x.org", isPrimary: true },
          { email: "b@x.org", isPrimary: true },
        ],
      },
      ["emails"],
    ],
    [{ contactType: "x", emails: [{ email: "bad" }] }, ["contactType", "emails.0.email"]],
  ])("refuses %j with details at %j", async (definition, paths) => {
    const { app, calls } = harness();
    expect(await expectInvalid(app.createContact.execute(definition))).toEqual(paths);
    expect(calls).toEqual([]);
  });
});

describe("getContact and findContactsByEmail", () => {
  it.each(BAD_IDS)("getContact refuses contactId %s", async (id) => {
    const { app } = harness();
    expect(await expectInvalid(app.getContact.execute({ contactId: id }))).toEqual(["contactId"]);
  });

  it("getContact of a missing contact is ContactNotFound", async () => {
    const { app } = harness();
    expect(await expectErr(app.getContact.execute({ contactId: 9 }))).toMatchObject({
      kind: "ContactNotFound",
      contactId: 9,
    });
  });

  it.each(["", "  ", "nope", "a@b@c"])("findContactsByEmail refuses %j", async (email) => {
    const { app } = harness();
    expect(await expectInvalid(app.findContactsByEmail.execute({ email }))).toEqual(["email"]);
  });

  it("finds by key, in id order, on any email of the contact", async () => {
    const { app } = harness();
    const a = await expectOk(
      app.createContact.execute({ emails: [{ email: "x@x.org" }, { email: "a@x.org" }] }),
    );
    const b = await expectOk(app.createContact.execute({ emails: [{ email: "A@X.org" }] }));
    await expectOk(app.createContact.execute({ emails: [{ email: "other@x.org" }] }));
    const found = await expectOk(app.findContactsByEmail.execute({ email: " a@X.ORG " }));
    expect(found.map((contact) => contact.id)).toEqual([a.id, b.id]);
    expect(await expectOk(app.findContactsByEmail.execute({ email: "none@x.org" }))).toEqual([]);
  });
});

describe("searchContactsByName", () => {
  it.each([
    ["", ["name"]],
    ["   ", ["name"]],
    ["x".repeat(201), ["name"]],
    ["a\u0000b", ["name"]],
    ["a\ud800b", ["name"]],
    [7, ["name"]],
  ])("refuses name %j", async (name, paths) => {
    const { app, calls } = harness();
    const input = { name: name as unknown as string };
    expect(await expectInvalid(app.searchContactsByName.execute(input))).toEqual(paths);
    expect(calls).toEqual([]);
  });

  it("reports a bad name and bad paging together, and takes limit up to 100", async () => {
    const { app } = harness();
    expect(
      await expectInvalid(app.searchContactsByName.execute({ name: "", limit: 101, cursor: "x" })),
    ).toEqual(["name", "limit", "cursor"]);
    await expectOk(app.searchContactsByName.execute({ name: "a", limit: 100 }));
    await expectOk(app.searchContactsByName.execute({ name: ` ${"y".repeat(200)} ` }));
  });

  it("finds names containing the text, trimmed, whatever its case, lowest id first", async () => {
    const { app } = harness();
    const ann = await expectOk(app.createContact.execute({ firstName: "Ann", lastName: "Öberg" }));
    const org = await expectOk(
      app.createContact.execute({ contactType: "Organization", displayName: "ÖBB Annex" }),
    );
    await expectOk(app.createContact.execute({ firstName: "Bob" }));
    const found = await expectOk(app.searchContactsByName.execute({ name: " öb " }));
    expect(found).toEqual({ items: [ann, org], nextCursor: null });
    const first = await expectOk(app.searchContactsByName.execute({ name: "ANN", limit: 1 }));
    expect(first).toEqual({ items: [ann], nextCursor: String(ann.id) });
    const rest = await expectOk(
      app.searchContactsByName.execute({ name: "ann", limit: 1, cursor: String(ann.id) }),
    );
    expect(rest).toEqual({ items: [org], nextCursor: null });
  });
});

describe("restoreContact", () => {
  it.each(BAD_IDS)("refuses contactId %s", async (id) => {
    const { app, calls } = harness();
    expect(await expectInvalid(app.restoreContact.execute({ contactId: id }))).toEqual([
      "contactId",
    ]);
    expect(calls).toEqual([]);
  });

  it("a missing contact is ContactNotFound", async () => {
    const { app } = harness();
    expect(await expectErr(app.restoreContact.execute({ contactId: 4 }))).toMatchObject({
      kind: "ContactNotFound",
      contactId: 4,
    });
  });

  it("takes a trashed contact out of the trash; one not in the trash is not written", async () => {
    const { app, calls } = harness();
    const contact = await expectOk(
      app.createContact.execute({ firstName: "Ada", emails: [{ email: "a@x.org" }] }),
    );
    await expectOk(app.trashContact.execute({ contactId: contact.id }));
    expect(await contactsWith(app, "a@x.org", false)).toEqual([]);
    expect(await expectOk(app.restoreContact.execute({ contactId: contact.id }))).toEqual(contact);
    expect(await expectOk(app.getContact.execute({ contactId: contact.id }))).toEqual(contact);
    expect((await contactsWith(app, "a@x.org", false)).map((found) => found.id)).toEqual([
      contact.id,
    ]);
    calls.length = 0;
    expect(await expectOk(app.restoreContact.execute({ contactId: contact.id }))).toEqual(contact);
    expect(writesOf(calls)).toEqual([]);
  });
});

describe("updateContact", () => {
  it.each(BAD_IDS)("refuses contactId %s", async (id) => {
    const { app } = harness();
    expect(await expectInvalid(app.updateContact.execute({ contactId: id }))).toEqual([
      "contactId",
    ]);
  });

  it.each(["", " ", "nope"])("refuses primaryEmail %j", async (primaryEmail) => {
    const { app, calls } = harness();
    const contact = await expectOk(app.createContact.execute({ firstName: "Ada" }));
    calls.length = 0;
    const paths = await expectInvalid(
      app.updateContact.execute({ contactId: contact.id, primaryEmail }),
    );
    expect(paths).toEqual(["primaryEmail"]);
    expect(calls).toEqual([]);
  });

  it("a missing contact is ContactNotFound", async () => {
    const { app } = harness();
    const error = await expectErr(app.updateContact.execute({ contactId: 4, firstName: "X" }));
    expect(error).toMatchObject({ kind: "ContactNotFound", contactId: 4 });
  });

  it("renames an Individual and its display name follows", async () => {
    const { app } = harness();
    const contact = await expectOk(
      app.createContact.execute({
        firstName: "Ada",
        lastName: "Byron",
        emails: [{ email: "a@x.org" }],
      }),
    );
    const renamed = await expectOk(
      app.updateContact.execute({ contactId: contact.id, lastName: " Lovelace " }),
    );
    expect(renamed).toMatchObject({
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
    });
    const cleared = await expectOk(
      app.updateContact.execute({ contactId: contact.id, firstName: "", lastName: "" }),
    );
    expect(cleared).not.toHaveProperty("firstName");
    expect(cleared).not.toHaveProperty("lastName");
    expect(cleared.displayName).toBe("a@x.org");
    expect(await expectOk(app.getContact.execute({ contactId: contact.id }))).toEqual(cleared);
  });

  it("an Organization keeps its display name when renamed", async () => {
    const { app } = harness();
    const org = await expectOk(
      app.createContact.execute({ contactType: "Organization", displayName: "ACME" }),
    );
    const renamed = await expectOk(
      app.updateContact.execute({ contactId: org.id, firstName: "A" }),
    );
    expect(renamed.displayName).toBe("ACME");
  });

  it("an update without fields changes nothing", async () => {
    const { app, calls } = harness();
    const contact = await expectOk(app.createContact.execute({ firstName: "Ada" }));
    calls.length = 0;
    expect(await expectOk(app.updateContact.execute({ contactId: contact.id }))).toEqual(contact);
    expect(writesOf(calls)).toEqual([]);
  });

  it("a new primaryEmail replaces the primary in place, or adds one", async () => {
    const { app } = harness();
    const withEmail = await expectOk(
      app.createContact.execute({
        emails: [
          { email: "a@x.org", locationType: "Work" },
          { email: "b@x.org", locationType: "Home" },
        ],
      }),
    );
    const updated = await expectOk(
      app.updateContact.execute({ contactId: withEmail.id, primaryEmail: "N@X.org" }),
    );
    expect(updated.emails).toEqual([
      { email: "n@x.org", isPrimary: true, locationType: "Work" },
      { email: "b@x.org", isPrimary: false, locationType: "Home" },
    ]);
    expect(await contactsWith(app, "a@x.org")).toEqual([]);

    const without = await expectOk(app.createContact.execute({ firstName: "Ada" }));
    const added = await expectOk(
      app.updateContact.execute({ contactId: without.id, primaryEmail: "ada@x.org" }),
    );
    expect(added.emails).toEqual([{ email: "ada@x.org", isPrimary: true, locationType: "Home" }]);
  });

  it("a new primaryEmail of a linked contact reaches its users (§7)", async () => {
    const { app } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    const contactId = linked.contactId ?? 0;
    await expectOk(app.updateContact.execute({ contactId, primaryEmail: "n@x.org" }));
    expect((await linksOf(app))[0]?.ufName).toBe("n@x.org");
    expect((await usersOf(app))[0]?.email).toBe("n@x.org");
    expect(await outboxOf(app)).toMatchObject([
      { type: "user.email-changed", domainId: 1, userId: 5, email: "n@x.org" },
    ]);
  });
});

describe("syncContactEmail", () => {
  it.each(BAD_IDS)("refuses contactId %s", async (id) => {
    const { app } = harness();
    const paths = await expectInvalid(
      app.syncContactEmail.execute({ contactId: id, email: "a@x.org" }),
    );
    expect(paths).toEqual(["contactId"]);
  });

  it.each(["", "nope", "a @x.org"])("refuses email %j", async (email) => {
    const { app } = harness();
    expect(await expectInvalid(app.syncContactEmail.execute({ contactId: 1, email }))).toEqual([
      "email",
    ]);
  });

  it("a missing contact is ContactNotFound", async () => {
    const { app } = harness();
    const error = await expectErr(app.syncContactEmail.execute({ contactId: 8, email: "a@x.org" }));
    expect(error).toMatchObject({ kind: "ContactNotFound", contactId: 8 });
  });

  it("updates every syncing domain, audits ufname-updated", async () => {
    const { app } = harness();
    await putDomain(app, 2, { cms: "wordpress" });
    await putDomain(app, 3, { cms: "drupal", syncCmsEmail: false });
    const one = await login(app, 1, 5, { email: "a@x.org" });
    const contactId = one.contactId ?? 0;
    await login(app, 2, 6, { email: "a@x.org" });
    const three = await login(app, 3, 7, { email: "a@x.org" });
    const contact = await expectOk(app.syncContactEmail.execute({ contactId, email: "N@x.org" }));
    expect(contact.emails[0]).toEqual({ email: "n@x.org", isPrimary: true, locationType: "Home" });
    for (const [domainId, userId] of [
      [1, 5],
      [2, 6],
    ] as const) {
      expect((await linksOf(app, domainId))[0]?.ufName).toBe("n@x.org");
      expect(await outboxOf(app, domainId)).toMatchObject([{ domainId, userId, email: "n@x.org" }]);
      expect((await auditOf(app, domainId)).at(-1)).toMatchObject({
        userId,
        contactId,
        action: "ufname-updated",
        trigger: "contact-update",
      });
    }
    expect(await linksOf(app, 3)).toEqual([three.link]);
    expect(await outboxOf(app, 3)).toEqual([]);
  });

  it("a change of case only changes nothing", async () => {
    const { app, calls } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    calls.length = 0;
    await expectOk(
      app.syncContactEmail.execute({ contactId: linked.contactId ?? 0, email: "A@X.ORG" }),
    );
    expect(writesOf(calls)).toEqual([]);
    expect(await outboxOf(app)).toEqual([]);
  });

  it("a conflict in a domain is only audited", async () => {
    const { app } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    const holder = await login(app, 1, 6, { email: "N@x.org" });
    const contactId = linked.contactId ?? 0;
    await expectOk(app.syncContactEmail.execute({ contactId, email: "n@x.org" }));
    expect(await linksOf(app)).toEqual([linked.link, holder.link]);
    expect(await outboxOf(app)).toEqual([]);
    expect((await auditOf(app)).at(-1)).toMatchObject({
      userId: 5,
      contactId,
      action: "conflict",
      trigger: "contact-update",
    });
    const contact = await expectOk(app.getContact.execute({ contactId }));
    expect(contact.emails[0]?.email).toBe("n@x.org");
  });
});

describe("trashContact", () => {
  it.each(BAD_IDS)("refuses contactId %s", async (id) => {
    const { app } = harness();
    expect(await expectInvalid(app.trashContact.execute({ contactId: id }))).toEqual(["contactId"]);
  });

  it("a missing contact is ContactNotFound", async () => {
    const { app } = harness();
    expect(await expectErr(app.trashContact.execute({ contactId: 3 }))).toMatchObject({
      kind: "ContactNotFound",
      contactId: 3,
    });
  });

  it("a contact linked in several domains is refused with those domains", async () => {
    const { app } = harness();
    await putDomain(app, 2, { cms: "wordpress" });
    await putDomain(app, 3, { cms: "wordpress" });
    const linked = await login(app, 3, 5, { email: "a@x.org" });
    await login(app, 1, 8, { email: "a@x.org" });
    const contactId = linked.contactId ?? 0;
    const error = await expectErr(app.trashContact.execute({ contactId }));
    expect(error).toMatchObject({ kind: "ContactIsLinked", contactId, domainIds: [1, 3] });
    const contact = await expectOk(app.getContact.execute({ contactId }));
    expect(contact.isDeleted).toBe(false);
  });

  it("trashes an unlinked contact: no longer a candidate, found only with includeDeleted", async () => {
    const { app } = harness();
    const contact = await expectOk(app.createContact.execute({ emails: [{ email: "a@x.org" }] }));
    await expectOk(app.trashContact.execute({ contactId: contact.id }));
    expect(await contactsWith(app, "a@x.org", false)).toEqual([]);
    expect(await contactsWith(app, "a@x.org", true)).toEqual([{ ...contact, isDeleted: true }]);
    expect(await expectOk(app.getContact.execute({ contactId: contact.id }))).toMatchObject({
      isDeleted: true,
    });
    const outcome = await login(app, 1, 5, { email: "a@x.org" });
    expect(outcome.outcome).toBe("created-contact");
    expect(outcome.contactId).not.toBe(contact.id);
    const anonymous = await expectOk(
      app.recordAnonymousInteraction.execute({ domainId: 1, kind: "other", email: "a@x.org" }),
    );
    expect(anonymous.contactId).toBe(outcome.contactId);
  });
});
