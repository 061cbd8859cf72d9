import { describe, expect, it } from "vitest";
import type { Civilink, UserProfile } from "../../../src/index.js";
import { expectOk } from "../../support/results.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  login,
  outboxOf,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import { harness, writesOf } from "./helpers.js";

const profileUpdate = (app: Civilink, domainId: number, userId: number, profile: UserProfile) =>
  expectOk(app.syncUserEmail.execute({ domainId, userId, profile }));

describe("profile update of a linked user (§6)", () => {
  it("syncs a new email: ufName as given, primary email replaced in place, audit email-synced", async () => {
    const { app } = harness();
    const contact = await expectOk(
      app.createContact.execute({
        firstName: "Ada",
        emails: [
          { email: "a@x.org", isPrimary: true, locationType: "Work" },
          { email: "other@x.org", locationType: "Home" },
        ],
      }),
    );
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    expect(linked.outcome).toBe("linked-existing");

    const outcome = await profileUpdate(app, 1, 5, { email: " B@Y.org " });
    expect(outcome.outcome).toBe("email-synced");
    expect(outcome.contactId).toBe(contact.id);
    expect(outcome.link).toMatchObject({ ufName: "B@Y.org", contactId: contact.id });
    expect(outcome.link?.createdAt).toEqual(linked.link?.createdAt);
    expect(outcome.link?.updatedAt.getTime()).toBeGreaterThan(
      linked.link?.updatedAt.getTime() ?? Infinity,
    );
    expect(await linksOf(app)).toEqual([outcome.link]);

    const updated = await expectOk(app.getContact.execute({ contactId: contact.id }));
    expect(updated.emails).toEqual([
      { email: "b@y.org", isPrimary: true, locationType: "Work" },
      { email: "other@x.org", isPrimary: false, locationType: "Home" },
    ]);
    const audit = await auditOf(app);
    expect(audit.at(-1)).toMatchObject({
      domainId: 1,
      userId: 5,
      contactId: contact.id,
      action: "email-synced",
      trigger: "profile-update",
    });
    expect(await outboxOf(app)).toEqual([]);
  });

  it("with syncCmsEmail off changes only ufName and audits ufname-updated", async () => {
    const { app } = harness();
    await putDomain(app, 1, { cms: "drupal", syncCmsEmail: false });
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    const outcome = await profileUpdate(app, 1, 5, { email: "b@y.org" });
    expect(outcome.outcome).toBe("email-synced");
    expect(outcome.link?.ufName).toBe("b@y.org");
    const contact = await expectOk(app.getContact.execute({ contactId: linked.contactId ?? 0 }));
    expect(contact.emails).toEqual([{ email: "a@x.org", isPrimary: true, locationType: "Home" }]);
    expect((await auditOf(app)).at(-1)).toMatchObject({
      action: "ufname-updated",
      trigger: "profile-update",
    });
  });

  it.each([
    ["", "no-email"],
    ["  ", "no-email"],
    ["nope", "invalid-email"],
    ["a b@y.org", "invalid-email"],
  ] as const)(
    "a linked user's new email %j is skipped (%s), link and contact unchanged",
    async (email, reason) => {
      const { app, calls } = harness();
      const linked = await login(app, 1, 5, { email: "a@x.org" });
      const contactBefore = await contactsWith(app, "a@x.org");
      const audit = await auditOf(app);
      calls.length = 0;
      const outcome = await profileUpdate(app, 1, 5, { email });
      expect(outcome).toEqual({
        outcome: "skipped",
        reason,
        link: linked.link,
        contactId: linked.contactId,
      });
      expect(await linksOf(app)).toEqual([linked.link]);
      expect(await contactsWith(app, "a@x.org")).toEqual(contactBefore);
      expect(await auditOf(app)).toEqual(audit);
      expect(await outboxOf(app)).toEqual([]);
      // Only the directory follows the event (§5: every user event upserts the user).
      expect(writesOf(calls)).toEqual(["users.put"]);
      expect((await usersOf(app))[0]?.email).toBe(email);
    },
  );

  it("a profile without an email keeps the stored one and is unchanged", async () => {
    const { app, calls } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    calls.length = 0;
    const outcome = await profileUpdate(app, 1, 5, { firstName: "Ada" });
    expect(outcome).toEqual({ ...linked, outcome: "unchanged" });
    expect(writesOf(calls)).toEqual(["users.put"]);
  });

  it("an identical profile update writes nothing", async () => {
    const { app, calls } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    calls.length = 0;
    const outcome = await profileUpdate(app, 1, 5, { email: "a@x.org" });
    expect(outcome).toEqual({ ...linked, outcome: "unchanged" });
    expect(writesOf(calls)).toEqual([]);
  });

  it("an unlinked user is linked with trigger profile-update", async () => {
    const { app } = harness();
    const outcome = await profileUpdate(app, 1, 5, { email: "a@x.org" });
    expect(outcome.outcome).toBe("created-contact");
    expect(await auditOf(app)).toEqual([
      expect.objectContaining({ action: "created-contact", trigger: "profile-update" }),
    ]);
  });

  it("an unlinked user without a valid email is skipped", async () => {
    const { app } = harness();
    const outcome = await profileUpdate(app, 1, 5, { email: "nope" });
    expect(outcome).toEqual({
      outcome: "skipped",
      reason: "invalid-email",
      link: null,
      contactId: null,
    });
  });
});

/** Domain 1 user 5 and domain 2 user 9 both linked to the contact of a@x.org. */
async function sharedContact(domain2: { syncCmsEmail?: boolean } = {}) {
  const h = harness();
  await putDomain(h.app, 2, { cms: "wordpress", ...domain2 });
  const first = await login(h.app, 1, 5, { email: "a@x.org" });
  const second = await login(h.app, 2, 9, { email: "A@x.org", username: "ada" });
  expect(first.outcome).toBe("created-contact");
  expect(second.outcome).toBe("linked-existing");
  expect(second.contactId).toBe(first.contactId);
  return { ...h, contactId: first.contactId ?? 0, link2: second.link };
}

describe("profile update propagates to the contact's other domains (§7)", () => {
  it("domain 2 gets ufName, directory email, an outbox event and an audit entry", async () => {
    const { app, contactId } = await sharedContact();
    const outcome = await profileUpdate(app, 1, 5, { email: "B@Y.org" });
    expect(outcome.outcome).toBe("email-synced");
    expect(outcome.link?.ufName).toBe("B@Y.org");

    const [link2] = await linksOf(app, 2);
    expect(link2).toMatchObject({ userId: 9, contactId, ufName: "b@y.org" });
    expect(await usersOf(app, 2)).toEqual([
      { domainId: 2, userId: 9, email: "b@y.org", username: "ada", contactId },
    ]);
    const events = await outboxOf(app, 2);
    expect(events).toEqual([
      {
        id: expect.any(String),
        type: "user.email-changed",
        domainId: 2,
        userId: 9,
        email: "b@y.org",
        at: expect.any(Date),
      },
    ]);
    expect((await auditOf(app, 2)).at(-1)).toMatchObject({
      domainId: 2,
      userId: 9,
      contactId,
      action: "ufname-updated",
      trigger: "contact-update",
    });
    // The domain whose user caused the change gets no outbox event of its own.
    expect(await outboxOf(app, 1)).toEqual([]);
    expect((await usersOf(app, 1))[0]?.email).toBe("B@Y.org");
  });

  it("domain 2 with syncCmsEmail off is left alone", async () => {
    const { app, link2 } = await sharedContact({ syncCmsEmail: false });
    const users2 = await usersOf(app, 2);
    const audit2 = await auditOf(app, 2);
    await profileUpdate(app, 1, 5, { email: "b@y.org" });
    expect(await linksOf(app, 2)).toEqual([link2]);
    expect(await usersOf(app, 2)).toEqual(users2);
    expect(await outboxOf(app, 2)).toEqual([]);
    expect(await auditOf(app, 2)).toEqual(audit2);
    expect((await contactsWith(app, "b@y.org")).length).toBe(1);
  });

  it("syncCmsEmail off in domain 1 changes neither the contact nor domain 2", async () => {
    const { app, link2, contactId } = await sharedContact();
    await putDomain(app, 1, { cms: "drupal", syncCmsEmail: false });
    await profileUpdate(app, 1, 5, { email: "b@y.org" });
    expect(await linksOf(app, 2)).toEqual([link2]);
    expect(await outboxOf(app, 2)).toEqual([]);
    const contact = await expectOk(app.getContact.execute({ contactId }));
    expect(contact.emails.map((email) => email.email)).toEqual(["a@x.org"]);
  });

  it("another link of domain 2 holding the new email is a conflict: only an audit entry", async () => {
    const { app, link2, contactId } = await sharedContact();
    const holder = await login(app, 2, 10, { email: "b@y.org" });
    expect(holder.outcome).toBe("created-contact");
    const users2 = await usersOf(app, 2);
    await profileUpdate(app, 1, 5, { email: "b@y.org" });
    expect(await linksOf(app, 2)).toEqual([link2, holder.link]);
    expect(await usersOf(app, 2)).toEqual(users2);
    expect(await outboxOf(app, 2)).toEqual([]);
    expect((await auditOf(app, 2)).at(-1)).toMatchObject({
      domainId: 2,
      userId: 9,
      contactId,
      action: "conflict",
      trigger: "contact-update",
    });
    // Domain 1 still synced its own side.
    const contact = await expectOk(app.getContact.execute({ contactId }));
    expect(contact.emails[0]?.email).toBe("b@y.org");
  });
});
