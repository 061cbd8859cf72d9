import { afterEach, describe, expect, it } from "vitest";
import type {
  Civilink,
  CmsKind,
  ContactEmail,
  DomainId,
  Outcome,
  UserId,
  UserProfile,
} from "../../src/index.js";
import {
  aContact,
  aLink,
  anAuditEntry,
  anEmail,
  anIndividual,
  anyTime,
  aUserEvent,
} from "../support/builders.js";
import { expectErr, expectOk } from "../support/results.js";
import {
  auditOf,
  contactOf,
  contactsWith,
  contactWith,
  linkOf,
  linksOf,
  login,
  outboxOf,
  putDomain,
  register,
  usersOf,
} from "../support/use-case-calls.js";

/** A civilink on the store under test; `close` releases the store, when it holds one. */
export type ScenarioCivilink = Civilink & { close?: () => Promise<void> };

export type MakeCivilink = (options?: { cms?: CmsKind }) => Promise<ScenarioCivilink>;

const byAddress = (emails: ContactEmail[]) =>
  [...emails].sort((a, b) => a.email.localeCompare(b.email));

/**
 * Puts users into a domain's directory without linking them: the domain turns Joomla for the
 * registrations, which only upsert the directory there (§5), and then gets back its CMS.
 */
async function seedDirectory(
  c: Civilink,
  users: { userId: UserId; profile: UserProfile }[],
  domainId: DomainId = 1,
): Promise<void> {
  const domain = await expectOk(c.getDomain.execute({ domainId }));
  const { name, syncCmsEmail, dedupeRule } = domain;
  await putDomain(c, domainId, { name, cms: "joomla", syncCmsEmail, dedupeRule });
  for (const { userId, profile } of users) {
    const outcome = await register(c, domainId, userId, profile);
    expect(outcome).toEqual({
      outcome: "ignored",
      reason: "cms-policy",
      link: null,
      contactId: null,
    });
  }
  await putDomain(c, domainId, { name, cms: domain.cms, syncCmsEmail, dedupeRule });
}

const countOf = <T>(values: readonly T[], wanted: T) =>
  values.filter((value) => value === wanted).length;

// ---------------------------------------------------------------------------------------------
// The scenarios of §10, each on a fresh civilink.
// ---------------------------------------------------------------------------------------------

/**
 * §10, written once and run against every store: `makeCivilink` builds a fresh civilink
 * (domain 1 existing, drupal unless told) on the store under test.
 */
export function describeSpecScenarios(storeName: string, makeCivilink: MakeCivilink): void {
  describe(`§10 scenarios on ${storeName}`, () => {
    const opened: ScenarioCivilink[] = [];

    const fresh = async (options?: { cms?: CmsKind }): Promise<ScenarioCivilink> => {
      const civilink = await makeCivilink(options);
      opened.push(civilink);
      return civilink;
    };

    afterEach(async () => {
      for (const civilink of opened.splice(0)) await civilink.close?.();
    });

    it("1. no contact has the email: login creates one Individual, linked", async () => {
      const c = await fresh();
      const outcome = await login(c, 1, 5, {
        email: "Ann@X.org",
        firstName: "Ann",
        lastName: "Lee",
      });

      const [created, ...others] = await contactsWith(c, "ann@x.org");
      expect(others).toEqual([]);
      const id = created!.id;
      expect(created).toEqual(
        aContact(id, anIndividual(["ann@x.org"], { firstName: "Ann", lastName: "Lee" }), anyTime),
      );
      expect(outcome).toEqual({
        outcome: "created-contact",
        link: aLink(1, 5, id, "Ann@X.org", anyTime),
        contactId: id,
      });
      expect(await linkOf(c, 1, 5)).toEqual(aLink(1, 5, id, "Ann@X.org", anyTime));
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: id,
          action: "created-contact",
          trigger: "login",
        }),
      ]);
    });

    it("2. a live contact has the email: registration links it, no new contact", async () => {
      const c = await fresh();
      const existing = await contactWith(c, [{ email: "a@x.org" }]);

      const outcome = await register(c, 1, 5, { email: "a@x.org" });

      expect(outcome).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 5, existing.id, "a@x.org", anyTime),
        contactId: existing.id,
      });
      expect(await contactsWith(c, "a@x.org")).toEqual([existing]);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: existing.id,
          action: "linked-existing",
          trigger: "registration",
        }),
      ]);
    });

    it("3. the user's email has spaces and capitals: linked to C, ufName trimmed with its casing", async () => {
      const c = await fresh();
      const existing = await contactWith(c, [{ email: "a@x.org" }]);

      const outcome = await login(c, 1, 5, { email: " A@X.ORG " });

      expect(outcome).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 5, existing.id, "A@X.ORG", anyTime),
        contactId: existing.id,
      });
      expect(await linkOf(c, 1, 5)).toEqual(aLink(1, 5, existing.id, "A@X.ORG", anyTime));
      expect(await contactsWith(c, "a@x.org")).toEqual([existing]);
    });

    it("4. C1 (lower id) has the email as non-primary, C2 as primary: C2", async () => {
      const c = await fresh();
      const c1 = await contactWith(c, [
        { email: "other@x.org", isPrimary: true },
        { email: "a@x.org", isPrimary: false, locationType: "Work" },
      ]);
      const c2 = await contactWith(c, [{ email: "a@x.org", isPrimary: true }]);
      expect(c1.id).toBeLessThan(c2.id);

      const outcome = await login(c, 1, 5, { email: "a@x.org" });

      expect(outcome).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 5, c2.id, "a@x.org", anyTime),
        contactId: c2.id,
      });
      expect(await contactsWith(c, "a@x.org")).toHaveLength(2);
    });

    it("5. C1 and C2 both have the email as primary: the lower id", async () => {
      const c = await fresh();
      const c1 = await contactWith(c, [{ email: "a@x.org" }]);
      const c2 = await contactWith(c, [{ email: "A@X.org" }]);
      expect(c1.id).toBeLessThan(c2.id);

      const outcome = await login(c, 1, 5, { email: "a@x.org" });

      expect(outcome).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 5, c1.id, "a@x.org", anyTime),
        contactId: c1.id,
      });
      expect(await contactsWith(c, "a@x.org")).toHaveLength(2);
    });

    it("6. only a trashed contact has the email: a new contact", async () => {
      const c = await fresh();
      const trashed = await contactWith(c, [{ email: "a@x.org" }]);
      await expectOk(c.trashContact.execute({ contactId: trashed.id }));

      const outcome = await login(c, 1, 5, { email: "a@x.org" });

      expect(outcome.outcome).toBe("created-contact");
      const createdId = outcome.contactId!;
      expect(createdId).not.toBe(trashed.id);
      expect(outcome.link).toEqual(aLink(1, 5, createdId, "a@x.org", anyTime));
      expect(await contactOf(c, createdId)).toEqual(
        aContact(createdId, anIndividual(["a@x.org"]), anyTime),
      );
      expect(await contactOf(c, trashed.id)).toEqual({ ...trashed, isDeleted: true });
      const all = await contactsWith(c, "a@x.org");
      expect(all.map((contact) => contact.id).sort((a, b) => a - b)).toEqual([
        trashed.id,
        createdId,
      ]);
      expect(await expectOk(c.findContactsByEmail.execute({ email: "a@x.org" }))).toEqual([
        aContact(createdId, anIndividual(["a@x.org"]), anyTime),
      ]);
    });

    it("7. trashed C1 and live C2: C2", async () => {
      const c = await fresh();
      const c1 = await contactWith(c, [{ email: "a@x.org" }]);
      const c2 = await contactWith(c, [{ email: "a@x.org" }]);
      await expectOk(c.trashContact.execute({ contactId: c1.id }));

      const outcome = await login(c, 1, 5, { email: "a@x.org" });

      expect(outcome).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 5, c2.id, "a@x.org", anyTime),
        contactId: c2.id,
      });
      expect(await contactsWith(c, "a@x.org")).toHaveLength(2);
    });

    it("8. the only candidate is linked to user 7: user 8 gets a new contact", async () => {
      const c = await fresh();
      const taken = await contactWith(c, [{ email: "a@x.org" }]);
      expect((await login(c, 1, 7, { email: "a@x.org" })).contactId).toBe(taken.id);

      const outcome = await login(c, 1, 8, { email: "a@x.org", firstName: "Bo" });

      expect(outcome.outcome).toBe("created-contact");
      const createdId = outcome.contactId!;
      expect(createdId).not.toBe(taken.id);
      expect(outcome.link).toEqual(aLink(1, 8, createdId, "a@x.org", anyTime));
      expect(await contactOf(c, createdId)).toEqual(
        aContact(createdId, anIndividual(["a@x.org"], { firstName: "Bo" }), anyTime),
      );
      expect(await linkOf(c, 1, 7)).toEqual(aLink(1, 7, taken.id, "a@x.org", anyTime));
      expect(await contactsWith(c, "a@x.org")).toHaveLength(2);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 7,
          contactId: taken.id,
          action: "linked-existing",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 8,
          contactId: createdId,
          action: "created-contact",
          trigger: "login",
        }),
      ]);
    });

    it("9. candidate C1 is linked to user 7, C2 is free: user 8 is linked to C2", async () => {
      const c = await fresh();
      const c1 = await contactWith(c, [{ email: "a@x.org" }]);
      const c2 = await contactWith(c, [{ email: "a@x.org" }]);
      expect((await login(c, 1, 7, { email: "a@x.org" })).contactId).toBe(c1.id);

      const outcome = await login(c, 1, 8, { email: "a@x.org" });

      expect(outcome).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 8, c2.id, "a@x.org", anyTime),
        contactId: c2.id,
      });
      expect(await contactsWith(c, "a@x.org")).toHaveLength(2);
    });

    it("10. C is linked in domain 2 only: a sync of domain 1 links C in domain 1 too", async () => {
      const c = await fresh();
      await putDomain(c, 2, { cms: "drupal" });
      const inDomain2 = await login(c, 2, 5, { email: "c@x.org" });
      expect(inDomain2.outcome).toBe("created-contact");
      const contactId = inDomain2.contactId!;
      await seedDirectory(c, [{ userId: 3, profile: { email: "C@x.org" } }]);
      expect(await linksOf(c)).toEqual([]);

      const sync = await expectOk(c.synchronizeAllUsers.execute({ domainId: 1 }));

      expect(sync.report).toEqual({
        checked: 1,
        alreadyLinked: 0,
        matched: 1,
        created: 0,
        skipped: 0,
        failed: 0,
      });
      expect(sync.failures).toEqual([]);
      expect(sync.message).toBe(
        "Checked 1 user record. Found 1 matching contact record. Created 0 new contact records.",
      );
      expect(await linkOf(c, 1, 3)).toEqual(aLink(1, 3, contactId, "C@x.org", anyTime));
      expect(await linkOf(c, 2, 5)).toEqual(aLink(2, 5, contactId, "c@x.org", anyTime));
      expect(await contactsWith(c, "c@x.org")).toHaveLength(1);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 3,
          contactId,
          action: "linked-existing",
          trigger: "sync",
        }),
      ]);
      expect(await auditOf(c, 2)).toEqual([
        anAuditEntry({
          at: anyTime,
          domainId: 2,
          userId: 5,
          contactId,
          action: "created-contact",
          trigger: "login",
        }),
      ]);
    });

    it("11. user 7's link has a stale ufName: unlinked user 8 with that email logs in 100 times concurrently", async () => {
      const c = await fresh();
      const first = await login(c, 1, 7, { email: "a@x.org" });
      expect(first.outcome).toBe("created-contact");
      const sevenContact = first.contactId!;
      // User 7 changed address in the CMS; a login does not touch the link, so its ufName
      // (and its contact's email) still say a@x.org.
      const moved = await login(c, 1, 7, { email: "seven@x.org" });
      expect(moved).toEqual({
        outcome: "already-linked",
        link: aLink(1, 7, sevenContact, "a@x.org", anyTime),
        contactId: sevenContact,
      });

      const settled = await Promise.all(
        Array.from({ length: 100 }, () =>
          c.linkOnLogin.execute(aUserEvent(1, 8, { email: "a@x.org" })),
        ),
      );

      expect(
        settled.filter((result) => result.isErr()).map((result) => result._unsafeUnwrapErr()),
      ).toEqual([]);
      const outcomes = settled.map((result) => result._unsafeUnwrap());
      const eight = await linkOf(c, 1, 8);
      expect(eight.contactId).not.toBe(sevenContact);
      expect(eight).toEqual(aLink(1, 8, eight.contactId, "a@x.org", anyTime));
      for (const outcome of outcomes) expect(outcome.link).toEqual(eight);
      const kinds = outcomes.map((outcome) => outcome.outcome);
      expect(countOf(kinds, "created-contact")).toBe(1);
      expect(countOf(kinds, "already-linked")).toBe(99);
      const contacts = await contactsWith(c, "a@x.org");
      expect(contacts.map((contact) => contact.id).sort((a, b) => a - b)).toEqual([
        sevenContact,
        eight.contactId,
      ]);
      expect(await linkOf(c, 1, 7)).toEqual(aLink(1, 7, sevenContact, "a@x.org", anyTime));
      // ufName is not unique: both links carry a@x.org.
      const sharing = await expectOk(c.listLinks.execute({ domainId: 1, email: "a@x.org" }));
      expect(sharing.items.map((link) => link.userId)).toEqual([7, 8]);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 7,
          contactId: sevenContact,
          action: "created-contact",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 8,
          contactId: eight.contactId,
          action: "created-contact",
          trigger: "login",
        }),
      ]);
    });

    it("12. a link exists and the emails now differ: login and sync leave it unchanged", async () => {
      const c = await fresh();
      const first = await login(c, 1, 5, { email: "a@x.org" });
      const linked = first.link!;

      const again = await login(c, 1, 5, { email: "b@x.org" });
      const sync = await expectOk(c.synchronizeAllUsers.execute({ domainId: 1 }));

      expect(again).toEqual({
        outcome: "already-linked",
        link: linked,
        contactId: linked.contactId,
      });
      expect(sync.report).toEqual({
        checked: 1,
        alreadyLinked: 1,
        matched: 0,
        created: 0,
        skipped: 0,
        failed: 0,
      });
      expect(sync.message).toBe(
        "Checked 1 user record. Found 1 matching contact record. Created 0 new contact records.",
      );
      expect(await linkOf(c, 1, 5)).toEqual(linked);
      expect(await contactOf(c, linked.contactId)).toEqual(
        aContact(linked.contactId, anIndividual(["a@x.org"]), anyTime),
      );
      expect(await contactsWith(c, "b@x.org")).toEqual([]);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: linked.contactId,
          action: "created-contact",
          trigger: "login",
        }),
      ]);
      expect(await outboxOf(c)).toEqual([]);
    });

    it("13. sync of a linked, a matching, a new and an email-less user: the summary of §9", async () => {
      const c = await fresh();
      const one = await login(c, 1, 1, { email: "one@x.org" });
      const two = await contactWith(c, [{ email: "two@x.org" }]);
      await seedDirectory(c, [
        { userId: 2, profile: { email: "Two@X.org" } },
        { userId: 3, profile: { email: "three@x.org", firstName: "Tri" } },
        { userId: 4, profile: { username: "four" } },
      ]);

      const sync = await expectOk(c.synchronizeAllUsers.execute({ domainId: 1 }));

      expect(sync.message).toBe(
        "Checked 4 user records. Found 2 matching contact records. Created 1 new contact record. Skipped 1 user without a valid email.",
      );
      expect(sync.report).toEqual({
        checked: 4,
        alreadyLinked: 1,
        matched: 1,
        created: 1,
        skipped: 1,
        failed: 0,
      });
      expect(sync.failures).toEqual([]);
      expect(sync.dryRun).toBe(false);
      expect(await linkOf(c, 1, 1)).toEqual(one.link);
      expect(await linkOf(c, 1, 2)).toEqual(aLink(1, 2, two.id, "Two@X.org", anyTime));
      const [three, ...more] = await contactsWith(c, "three@x.org");
      expect(more).toEqual([]);
      expect(three).toEqual(
        aContact(three!.id, anIndividual(["three@x.org"], { firstName: "Tri" }), anyTime),
      );
      expect(await linkOf(c, 1, 3)).toEqual(aLink(1, 3, three!.id, "three@x.org", anyTime));
      expect((await expectErr(c.getLink.execute({ domainId: 1, userId: 4 }))).kind).toBe(
        "LinkNotFound",
      );
      expect(await contactsWith(c, "two@x.org")).toEqual([two]);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 1,
          contactId: one.contactId!,
          action: "created-contact",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 2,
          contactId: two.id,
          action: "linked-existing",
          trigger: "sync",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 3,
          contactId: three!.id,
          action: "created-contact",
          trigger: "sync",
        }),
      ]);
    });

    it("14. a re-run of 13 finds 3, creates none and changes nothing", async () => {
      const c = await fresh();
      await login(c, 1, 1, { email: "one@x.org" });
      await contactWith(c, [{ email: "two@x.org" }]);
      await seedDirectory(c, [
        { userId: 2, profile: { email: "two@x.org" } },
        { userId: 3, profile: { email: "three@x.org" } },
        { userId: 4, profile: { email: "   " } },
      ]);
      await expectOk(c.synchronizeAllUsers.execute({ domainId: 1 }));
      const links = await linksOf(c);
      const users = await usersOf(c);
      const trail = await auditOf(c);
      const contacts = await Promise.all(
        ["one@x.org", "two@x.org", "three@x.org"].map((email) => contactsWith(c, email)),
      );

      const rerun = await expectOk(c.synchronizeAllUsers.execute({ domainId: 1 }));

      expect(rerun.message).toBe(
        "Checked 4 user records. Found 3 matching contact records. Created 0 new contact records. Skipped 1 user without a valid email.",
      );
      expect(rerun.report).toEqual({
        checked: 4,
        alreadyLinked: 3,
        matched: 0,
        created: 0,
        skipped: 1,
        failed: 0,
      });
      expect(rerun.failures).toEqual([]);
      expect(links).toHaveLength(3);
      expect(await linksOf(c)).toEqual(links);
      expect(await usersOf(c)).toEqual(users);
      expect(await auditOf(c)).toEqual(trail);
      expect(
        await Promise.all(
          ["one@x.org", "two@x.org", "three@x.org"].map((email) => contactsWith(c, email)),
        ),
      ).toEqual(contacts);
    });

    it("15. a Joomla user registers and logs in: no link; then edits a profile while logged in: linked", async () => {
      const c = await fresh({ cms: "joomla" });
      const profile = { email: "Jane@X.org", name: "Doe, Jane Mary" };
      const ignored = { outcome: "ignored", reason: "cms-policy", link: null, contactId: null };

      expect(await register(c, 1, 5, profile)).toEqual(ignored);
      expect(await login(c, 1, 5, profile)).toEqual(ignored);
      expect(await contactsWith(c, "jane@x.org")).toEqual([]);
      expect(await linksOf(c)).toEqual([]);
      expect(await auditOf(c)).toEqual([]);
      expect(await usersOf(c)).toEqual([{ domainId: 1, userId: 5, ...profile, contactId: null }]);

      const edited = await expectOk(
        c.linkOnInteraction.execute({ ...aUserEvent(1, 5, profile), kind: "profile" }),
      );

      const [created, ...others] = await contactsWith(c, "jane@x.org");
      expect(others).toEqual([]);
      const id = created!.id;
      expect(created).toEqual(
        aContact(id, anIndividual(["jane@x.org"], { firstName: "Jane", lastName: "Doe" }), anyTime),
      );
      expect(edited).toEqual({
        outcome: "created-contact",
        link: aLink(1, 5, id, "Jane@X.org", anyTime),
        contactId: id,
      });
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: id,
          action: "created-contact",
          trigger: "interaction",
        }),
      ]);
      // Later logins are still ignored, but the answer carries the user's link.
      expect(await login(c, 1, 5, profile)).toEqual({
        outcome: "ignored",
        reason: "cms-policy",
        link: aLink(1, 5, id, "Jane@X.org", anyTime),
        contactId: id,
      });
    });

    it("16. a Joomla anonymous donation creates contact D; that user later interacts logged in: linked to D", async () => {
      const c = await fresh({ cms: "joomla" });

      const donation = await expectOk(
        c.recordAnonymousInteraction.execute({
          domainId: 1,
          kind: "contribution",
          email: " D@X.org ",
          firstName: "Dora",
          lastName: "Diaz",
        }),
      );

      expect(donation.outcome).toBe("contact-created");
      expect(donation.link).toBeNull();
      const d = donation.contactId!;
      expect(await contactsWith(c, "d@x.org")).toEqual([
        aContact(d, anIndividual(["d@x.org"], { firstName: "Dora", lastName: "Diaz" }), anyTime),
      ]);
      expect(await linksOf(c)).toEqual([]);
      expect(
        await expectOk(
          c.recordAnonymousInteraction.execute({ domainId: 1, kind: "event", email: "d@x.org" }),
        ),
      ).toEqual({ outcome: "contact-matched", link: null, contactId: d });

      const profile = { email: "d@x.org", name: "Dora Diaz" };
      expect((await register(c, 1, 9, profile)).outcome).toBe("ignored");
      expect((await login(c, 1, 9, profile)).outcome).toBe("ignored");
      const gave = await expectOk(
        c.linkOnInteraction.execute({ ...aUserEvent(1, 9, profile), kind: "contribution" }),
      );

      expect(gave).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 9, d, "d@x.org", anyTime),
        contactId: d,
      });
      expect(await contactsWith(c, "d@x.org")).toHaveLength(1);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: null,
          contactId: d,
          action: "created-contact",
          trigger: "interaction",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 9,
          contactId: d,
          action: "linked-existing",
          trigger: "interaction",
        }),
      ]);
    });

    it("17. a Drupal user changes email to B@Y.org: ufName B@Y.org, C's primary email b@y.org in place", async () => {
      const c = await fresh();
      const existing = await contactWith(
        c,
        [
          { email: "a@x.org", isPrimary: true, locationType: "Work" },
          { email: "other@x.org", isPrimary: false, locationType: "Home" },
        ],
        { firstName: "Cy", lastName: "Cole" },
      );
      await register(c, 1, 5, { email: "a@x.org" });

      const outcome = await expectOk(
        c.syncUserEmail.execute(aUserEvent(1, 5, { email: "B@Y.org" })),
      );

      expect(outcome).toEqual({
        outcome: "email-synced",
        link: aLink(1, 5, existing.id, "B@Y.org", anyTime),
        contactId: existing.id,
      });
      expect(await linkOf(c, 1, 5)).toEqual(aLink(1, 5, existing.id, "B@Y.org", anyTime));
      const contact = await contactOf(c, existing.id);
      expect({ ...contact, emails: byAddress(contact.emails) }).toEqual({
        ...existing,
        emails: [
          { email: "b@y.org", isPrimary: true, locationType: "Work" },
          { email: "other@x.org", isPrimary: false, locationType: "Home" },
        ],
      });
      expect(await contactsWith(c, "a@x.org")).toEqual([]);
      expect(await contactsWith(c, "b@y.org")).toHaveLength(1);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: existing.id,
          action: "linked-existing",
          trigger: "registration",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: existing.id,
          action: "email-synced",
          trigger: "profile-update",
        }),
      ]);
      expect(await outboxOf(c)).toEqual([]);
    });

    it("18. the same with syncCmsEmail off: only ufName changes", async () => {
      const c = await fresh();
      await putDomain(c, 1, { cms: "drupal", syncCmsEmail: false });
      const existing = await contactWith(c, [{ email: "a@x.org", locationType: "Work" }]);
      await register(c, 1, 5, { email: "a@x.org" });

      const outcome = await expectOk(
        c.syncUserEmail.execute(aUserEvent(1, 5, { email: "B@Y.org" })),
      );

      expect(outcome).toEqual({
        outcome: "email-synced",
        link: aLink(1, 5, existing.id, "B@Y.org", anyTime),
        contactId: existing.id,
      });
      expect(await linkOf(c, 1, 5)).toEqual(aLink(1, 5, existing.id, "B@Y.org", anyTime));
      expect(await contactOf(c, existing.id)).toEqual(existing);
      expect(await contactsWith(c, "b@y.org")).toEqual([]);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: existing.id,
          action: "linked-existing",
          trigger: "registration",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: existing.id,
          action: "ufname-updated",
          trigger: "profile-update",
        }),
      ]);
      expect(await outboxOf(c)).toEqual([]);
    });

    it("19. a change of case only: unchanged", async () => {
      const c = await fresh();
      const first = await login(c, 1, 5, { email: "a@x.org" });
      const linked = first.link!;
      const contact = await contactOf(c, linked.contactId);

      const outcome = await expectOk(
        c.syncUserEmail.execute(aUserEvent(1, 5, { email: "A@X.ORG" })),
      );

      expect(outcome).toEqual({ outcome: "unchanged", link: linked, contactId: linked.contactId });
      expect(await linkOf(c, 1, 5)).toEqual(linked);
      expect(await contactOf(c, linked.contactId)).toEqual(contact);
      expect(await contactsWith(c, "a@x.org")).toHaveLength(1);
      expect(await auditOf(c)).toHaveLength(1);
      expect(await outboxOf(c)).toEqual([]);
    });

    it("20. C's primary email edited to n@x.org: ufName n@x.org and an outbox event; a taken address only an audit entry", async () => {
      const c = await fresh();
      const first = await login(c, 1, 5, { email: "a@x.org", firstName: "Al" });
      const contactId = first.contactId!;

      const edited = await expectOk(
        c.updateContact.execute({ contactId, primaryEmail: "n@x.org" }),
      );

      expect(edited).toEqual({
        ...aContact(contactId, anIndividual(["n@x.org"], { firstName: "Al" }), anyTime),
        displayName: "Al",
      });
      expect(await linkOf(c, 1, 5)).toEqual(aLink(1, 5, contactId, "n@x.org", anyTime));
      expect(await outboxOf(c)).toEqual([
        {
          id: expect.any(String),
          type: "user.email-changed",
          domainId: 1,
          userId: 5,
          email: "n@x.org",
          at: anyTime,
        },
      ]);
      expect((await usersOf(c)).find((user) => user.userId === 5)).toMatchObject({
        email: "n@x.org",
        contactId,
      });
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "created-contact",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "ufname-updated",
          trigger: "contact-update",
        }),
      ]);

      // Another link of the domain already has the new address: nothing but a conflict entry.
      const six = await login(c, 1, 6, { email: "o@x.org" });
      const outbox = await outboxOf(c);
      const users = await usersOf(c);

      await expectOk(c.updateContact.execute({ contactId, primaryEmail: "o@x.org" }));

      expect((await contactOf(c, contactId)).emails).toEqual([anEmail("o@x.org", true)]);
      expect(await linkOf(c, 1, 5)).toEqual(aLink(1, 5, contactId, "n@x.org", anyTime));
      expect(await linkOf(c, 1, 6)).toEqual(six.link);
      expect(await outboxOf(c)).toEqual(outbox);
      expect(await usersOf(c)).toEqual(users);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "created-contact",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "ufname-updated",
          trigger: "contact-update",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 6,
          contactId: six.contactId!,
          action: "created-contact",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "conflict",
          trigger: "contact-update",
        }),
      ]);
    });

    it("21. a user is deleted: the link is gone in that domain only, the contact kept", async () => {
      const c = await fresh();
      await putDomain(c, 2, { cms: "wordpress" });
      const one = await login(c, 1, 5, { email: "a@x.org" });
      const contactId = one.contactId!;
      const two = await login(c, 2, 5, { email: "a@x.org" });
      expect(two.outcome).toBe("linked-existing");
      const contact = await contactOf(c, contactId);

      const deleted = await expectOk(c.unlinkUser.execute({ domainId: 1, userId: 5 }));

      expect(deleted).toEqual({ outcome: "unlinked", link: null, contactId });
      expect((await expectErr(c.getLink.execute({ domainId: 1, userId: 5 }))).kind).toBe(
        "LinkNotFound",
      );
      expect(await linkOf(c, 2, 5)).toEqual(two.link);
      expect(await contactOf(c, contactId)).toEqual(contact);
      expect(await usersOf(c)).toEqual([]);
      expect(await usersOf(c, 2)).toHaveLength(1);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "created-contact",
          trigger: "login",
        }),
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId,
          action: "unlinked",
          trigger: "user-deletion",
        }),
      ]);
      expect(await expectOk(c.unlinkUser.execute({ domainId: 1, userId: 5 }))).toEqual({
        outcome: "not-linked",
        link: null,
        contactId: null,
      });
    });

    it("22. trashing a linked contact is refused", async () => {
      const c = await fresh();
      const linked = await login(c, 1, 5, { email: "a@x.org" });
      const contactId = linked.contactId!;

      const refused = await expectErr(c.trashContact.execute({ contactId }));

      expect(refused).toMatchObject({ kind: "ContactIsLinked", contactId, domainIds: [1] });
      expect((await contactOf(c, contactId)).isDeleted).toBe(false);
      expect(await expectOk(c.findContactsByEmail.execute({ email: "a@x.org" }))).toHaveLength(1);
      expect(await linkOf(c, 1, 5)).toEqual(linked.link);
    });

    it("23. 50 concurrent logins of the same new user: one link, one contact", async () => {
      const c = await fresh();

      const settled = await Promise.all(
        Array.from({ length: 50 }, () =>
          c.linkOnLogin.execute(aUserEvent(1, 5, { email: "new@x.org", firstName: "Nu" })),
        ),
      );

      expect(
        settled.filter((result) => result.isErr()).map((result) => result._unsafeUnwrapErr()),
      ).toEqual([]);
      const outcomes: Outcome[] = settled.map((result) => result._unsafeUnwrap());
      const [contact, ...others] = await contactsWith(c, "new@x.org");
      expect(others).toEqual([]);
      expect(contact).toEqual(
        aContact(contact!.id, anIndividual(["new@x.org"], { firstName: "Nu" }), anyTime),
      );
      const link = aLink(1, 5, contact!.id, "new@x.org", anyTime);
      expect(await linksOf(c)).toEqual([link]);
      for (const outcome of outcomes) expect(outcome.link).toEqual(link);
      const kinds = outcomes.map((outcome) => outcome.outcome);
      expect(countOf(kinds, "created-contact")).toBe(1);
      expect(countOf(kinds, "already-linked")).toBe(49);
      expect(await auditOf(c)).toEqual([
        anAuditEntry({
          at: anyTime,
          userId: 5,
          contactId: contact!.id,
          action: "created-contact",
          trigger: "login",
        }),
      ]);
    });

    it("24. 50 concurrent logins of 50 users sharing one email and no contact: 50 links, 50 contacts, no error", async () => {
      const c = await fresh();
      const userIds = Array.from({ length: 50 }, (_, index) => index + 1);

      const settled = await Promise.all(
        userIds.map((userId) =>
          c.linkOnLogin.execute(aUserEvent(1, userId, { email: "Team@X.org" })),
        ),
      );

      expect(
        settled.filter((result) => result.isErr()).map((result) => result._unsafeUnwrapErr()),
      ).toEqual([]);
      const outcomes = settled.map((result) => result._unsafeUnwrap());
      expect(outcomes.map((outcome) => outcome.outcome)).toEqual(
        userIds.map(() => "created-contact"),
      );
      const contactIds = outcomes.map((outcome) => outcome.contactId!);
      expect(new Set(contactIds).size).toBe(50);
      const links = await linksOf(c);
      expect(links).toEqual(
        userIds.map((userId, index) => aLink(1, userId, contactIds[index]!, "Team@X.org", anyTime)),
      );
      const contacts = await contactsWith(c, "team@x.org");
      expect(contacts.map((contact) => contact.id).sort((a, b) => a - b)).toEqual(
        [...contactIds].sort((a, b) => a - b),
      );
      for (const contact of contacts) {
        expect(contact).toEqual(aContact(contact.id, anIndividual(["team@x.org"]), anyTime));
      }
      expect(await auditOf(c)).toHaveLength(50);
    });

    it("25. dedupe rule email+names (10, 5, 5; threshold 20): C has the email but another first name: a new contact", async () => {
      const c = await fresh();
      await putDomain(c, 1, {
        cms: "drupal",
        dedupeRule: { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 },
      });
      const existing = await contactWith(c, [{ email: "j@x.org" }], {
        firstName: "Jane",
        lastName: "Doe",
      });

      const john = await login(c, 1, 5, { email: "j@x.org", firstName: "John", lastName: "Doe" });

      expect(john.outcome).toBe("created-contact");
      const createdId = john.contactId!;
      expect(createdId).not.toBe(existing.id);
      expect(john.link).toEqual(aLink(1, 5, createdId, "j@x.org", anyTime));
      expect(await contactOf(c, createdId)).toEqual(
        aContact(
          createdId,
          anIndividual(["j@x.org"], { firstName: "John", lastName: "Doe" }),
          anyTime,
        ),
      );
      expect(await contactOf(c, existing.id)).toEqual(existing);
      expect(await contactsWith(c, "j@x.org")).toHaveLength(2);

      // The same names reach the threshold: the existing contact is the candidate.
      const jane = await login(c, 1, 6, { email: "j@x.org", firstName: " jane ", lastName: "DOE" });
      expect(jane).toEqual({
        outcome: "linked-existing",
        link: aLink(1, 6, existing.id, "j@x.org", anyTime),
        contactId: existing.id,
      });
    });
  });
}
