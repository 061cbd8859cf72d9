import { describe, expect, it } from "vitest";
import { INTERACTION_KINDS, type InteractionKind } from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  login,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness, USER_EVENTS, userEvent, writesOf } from "./helpers.js";

describe("user events: validation", () => {
  it.each(USER_EVENTS.flatMap((event) => BAD_IDS.map((id) => [event, id] as const)))(
    "%s refuses domainId %s",
    async (event, id) => {
      const { app, calls } = harness();
      const paths = await expectInvalid(userEvent(app, event, id, 5, { email: "a@x.org" }));
      expect(paths).toEqual(["domainId"]);
      expect(calls).toEqual([]);
    },
  );

  it.each(USER_EVENTS.flatMap((event) => BAD_IDS.map((id) => [event, id] as const)))(
    "%s refuses userId %s",
    async (event, id) => {
      const { app, calls } = harness();
      const paths = await expectInvalid(userEvent(app, event, 1, id, { email: "a@x.org" }));
      expect(paths).toEqual(["userId"]);
      expect(calls).toEqual([]);
    },
  );

  it("reports both bad ids at once", async () => {
    const { app } = harness();
    const paths = await expectInvalid(userEvent(app, "login", 0, -3, {}));
    expect(paths).toEqual(["domainId", "userId"]);
  });

  it.each(["donation", "", "PROFILE"])(
    "an interaction of unknown kind %j is refused",
    async (kind) => {
      const { app, calls } = harness();
      const paths = await expectInvalid(
        app.linkOnInteraction.execute({
          domainId: 1,
          userId: 5,
          kind: kind as InteractionKind,
          profile: { email: "a@x.org" },
        }),
      );
      expect(paths).toEqual(["kind"]);
      expect(calls).toEqual([]);
    },
  );

  it.each(INTERACTION_KINDS)("an interaction of kind %s links", async (kind) => {
    const { app } = harness();
    const outcome = await expectOk(
      app.linkOnInteraction.execute({
        domainId: 1,
        userId: 5,
        kind,
        profile: { email: "a@x.org" },
      }),
    );
    expect(outcome.outcome).toBe("created-contact");
    expect((await auditOf(app)).map((entry) => entry.trigger)).toEqual(["interaction"]);
  });
});

describe("user events: unknown domain", () => {
  it.each(USER_EVENTS)(
    "%s on a missing domain is DomainNotFound and writes nothing",
    async (event) => {
      const { app, calls } = harness();
      const error = await expectErr(userEvent(app, event, 42, 5, { email: "a@x.org" }));
      expect(error).toMatchObject({ kind: "DomainNotFound", domainId: 42 });
      expect(writesOf(calls)).toEqual([]);
      expect(await contactsWith(app, "a@x.org")).toEqual([]);
    },
  );
});

describe("user events: the trigger recorded", () => {
  it.each(USER_EVENTS)("%s of an unlinked drupal user links with that trigger", async (event) => {
    const { app } = harness();
    const outcome = await expectOk(userEvent(app, event, 1, 5, { email: "a@x.org" }));
    expect(outcome.outcome).toBe("created-contact");
    const [entry, ...rest] = await auditOf(app);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      domainId: 1,
      userId: 5,
      contactId: outcome.contactId,
      action: "created-contact",
      trigger: event,
    });
  });

  it.each(["backdrop", "wordpress", "standalone"] as const)(
    "registration on %s links like drupal",
    async (cms) => {
      const { app } = harness({ cms });
      const outcome = await expectOk(
        userEvent(app, "registration", 1, 5, { email: "a@x.org", firstName: "Ada" }),
      );
      expect(outcome.outcome).toBe("created-contact");
      expect(outcome.link).toMatchObject({ domainId: 1, userId: 5, ufName: "a@x.org" });
    },
  );
});

describe("user events: user directory (§5)", () => {
  it("stores every field of a new user", async () => {
    const { app } = harness();
    await login(app, 1, 5, {
      email: "Ada@X.org",
      username: "ada",
      firstName: "Ada",
      lastName: "Lovelace",
      name: "Countess",
    });
    const [user, ...rest] = await usersOf(app);
    expect(rest).toEqual([]);
    expect(user).toMatchObject({
      domainId: 1,
      userId: 5,
      email: "Ada@X.org",
      username: "ada",
      firstName: "Ada",
      lastName: "Lovelace",
      name: "Countess",
    });
  });

  it("keeps absent fields and replaces present ones", async () => {
    const { app } = harness();
    await login(app, 1, 5, {
      email: "a@x.org",
      username: "ada",
      firstName: "Ada",
      lastName: "Lovelace",
    });
    await login(app, 1, 5, { firstName: "Augusta", username: "augusta" });
    const [user] = await usersOf(app);
    expect(user).toMatchObject({
      email: "a@x.org",
      username: "augusta",
      firstName: "Augusta",
      lastName: "Lovelace",
    });
    expect(user).not.toHaveProperty("name");
  });

  it("an event that changes nothing writes nothing", async () => {
    const { app, calls } = harness();
    const first = await login(app, 1, 5, { email: "a@x.org", firstName: "Ada" });
    const users = await usersOf(app);
    const audit = await auditOf(app);
    calls.length = 0;
    const again = await login(app, 1, 5, { email: "a@x.org", firstName: "Ada" });
    expect(again).toEqual({ ...first, outcome: "already-linked" });
    const subset = await login(app, 1, 5, { firstName: "Ada" });
    expect(subset.outcome).toBe("already-linked");
    expect(writesOf(calls)).toEqual([]);
    expect(await usersOf(app)).toEqual(users);
    expect(await auditOf(app)).toEqual(audit);
  });

  it("a repeated event of a skipped user writes nothing", async () => {
    const { app, calls } = harness();
    await login(app, 1, 5, { username: "nomail" });
    calls.length = 0;
    const again = await login(app, 1, 5, { username: "nomail" });
    expect(again).toEqual({ outcome: "skipped", reason: "no-email", link: null, contactId: null });
    expect(writesOf(calls)).toEqual([]);
  });

  it("a changed profile of a linked user updates the directory only", async () => {
    const { app, calls } = harness();
    const first = await login(app, 1, 5, { email: "a@x.org", firstName: "Ada" });
    calls.length = 0;
    const again = await login(app, 1, 5, { email: "a@x.org", firstName: "Augusta" });
    expect(again).toEqual({ ...first, outcome: "already-linked" });
    expect(writesOf(calls)).toEqual(["users.put"]);
    expect((await usersOf(app))[0]?.firstName).toBe("Augusta");
    expect(await auditOf(app)).toHaveLength(1);
  });

  it("an already-linked user whose email changed is not relinked on login (unchanged link)", async () => {
    const { app } = harness();
    const first = await login(app, 1, 5, { email: "a@x.org" });
    const again = await login(app, 1, 5, { email: "b@x.org" });
    expect(again.outcome).toBe("already-linked");
    expect(again.link).toEqual(first.link);
    expect((await usersOf(app))[0]?.email).toBe("b@x.org");
    expect(await contactsWith(app, "b@x.org")).toEqual([]);
  });
});

describe("user events: skipped", () => {
  it.each([
    [{}, "no-email"],
    [{ email: "" }, "no-email"],
    [{ email: "   " }, "no-email"],
    [{ email: "not-an-email" }, "invalid-email"],
    [{ email: "a b@x.org" }, "invalid-email"],
    [{ email: "a@b@x.org" }, "invalid-email"],
    [{ email: "@x.org" }, "invalid-email"],
    [{ email: "a@" }, "invalid-email"],
  ] as const)(
    "profile %j is skipped with reason %s and still upserted",
    async (profile, reason) => {
      const { app } = harness();
      const outcome = await login(app, 1, 5, { ...profile, username: "u5" });
      expect(outcome).toEqual({ outcome: "skipped", reason, link: null, contactId: null });
      expect(await linksOf(app)).toEqual([]);
      expect(await auditOf(app)).toEqual([]);
      expect(await usersOf(app)).toEqual([
        { domainId: 1, userId: 5, ...profile, username: "u5", contactId: null },
      ]);
    },
  );

  it("a login without email links a user whose stored email is valid", async () => {
    const { app } = harness({ cms: "joomla" });
    const registered = await expectOk(
      app.linkOnRegistration.execute({ domainId: 1, userId: 5, profile: { email: " A@X.org " } }),
    );
    expect(registered.outcome).toBe("ignored");
    await putDomain(app, 1, { cms: "drupal" });
    const outcome = await login(app, 1, 5, { username: "ada" });
    expect(outcome.outcome).toBe("created-contact");
    expect(outcome.link).toMatchObject({ userId: 5, ufName: "A@X.org" });
    const [contact] = await contactsWith(app, "a@x.org");
    expect(contact?.id).toBe(outcome.contactId);
  });

  it("a logged-in interaction without email on joomla uses the stored email", async () => {
    const { app } = harness({ cms: "joomla" });
    await login(app, 1, 5, { email: "a@x.org" });
    const outcome = await expectOk(
      app.linkOnInteraction.execute({ domainId: 1, userId: 5, kind: "event", profile: {} }),
    );
    expect(outcome.outcome).toBe("created-contact");
    expect(outcome.link?.ufName).toBe("a@x.org");
  });
});

describe("user events: joomla answers ignored with the current link", () => {
  it.each(["registration", "login", "profile-update"] as const)(
    "%s of an unlinked joomla user: ignored, link null",
    async (event) => {
      const { app } = harness({ cms: "joomla" });
      const outcome = await expectOk(
        userEvent(app, event, 1, 5, { email: "a@x.org", name: "Lovelace, Ada" }),
      );
      expect(outcome).toEqual({
        outcome: "ignored",
        reason: "cms-policy",
        link: null,
        contactId: null,
      });
      expect(await contactsWith(app, "a@x.org")).toEqual([]);
      expect(await usersOf(app)).toEqual([
        { domainId: 1, userId: 5, email: "a@x.org", name: "Lovelace, Ada", contactId: null },
      ]);
    },
  );

  it.each(["registration", "login", "profile-update"] as const)(
    "%s of a linked joomla user: ignored, with its link",
    async (event) => {
      const { app } = harness({ cms: "joomla" });
      const linked = await expectOk(userEvent(app, "interaction", 1, 5, { email: "a@x.org" }));
      expect(linked.outcome).toBe("created-contact");
      const unchanged = await expectOk(userEvent(app, event, 1, 5, { email: "a@x.org" }));
      expect(unchanged).toEqual({
        outcome: "ignored",
        reason: "cms-policy",
        link: linked.link,
        contactId: linked.contactId,
      });
      const changed = await expectOk(userEvent(app, event, 1, 5, { email: "b@x.org" }));
      expect(changed).toEqual(unchanged);
    },
  );

  it("a joomla profile update with a new email changes the directory only", async () => {
    const { app } = harness({ cms: "joomla" });
    const linked = await expectOk(userEvent(app, "interaction", 1, 5, { email: "a@x.org" }));
    const audit = await auditOf(app);
    await expectOk(userEvent(app, "profile-update", 1, 5, { email: "b@x.org" }));
    expect(await linksOf(app)).toEqual([linked.link]);
    const [contact] = await contactsWith(app, "a@x.org");
    expect(contact?.emails).toEqual([{ email: "a@x.org", isPrimary: true, locationType: "Home" }]);
    expect(await auditOf(app)).toEqual(audit);
    expect((await usersOf(app))[0]).toMatchObject({
      email: "b@x.org",
      contactId: linked.contactId,
    });
  });

  it("joomla names are parsed from the single name field", async () => {
    const { app } = harness({ cms: "joomla" });
    const outcome = await expectOk(
      userEvent(app, "interaction", 1, 5, { email: "a@x.org", name: "Lovelace, Ada King" }),
    );
    const contact = await expectOk(app.getContact.execute({ contactId: outcome.contactId ?? 0 }));
    expect(contact).toMatchObject({
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
    });
  });
});
