import { describe, expect, it } from "vitest";
import { expectErr, expectOk } from "../../support/results.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  login,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness, snapshot, writesOf } from "./helpers.js";

describe("unlink user: errors", () => {
  it.each(BAD_IDS)("refuses domainId %s", async (id) => {
    const { app, calls } = harness();
    expect(await expectInvalid(app.unlinkUser.execute({ domainId: id, userId: 5 }))).toEqual([
      "domainId",
    ]);
    expect(calls).toEqual([]);
  });

  it.each(BAD_IDS)("refuses userId %s", async (id) => {
    const { app } = harness();
    expect(await expectInvalid(app.unlinkUser.execute({ domainId: 1, userId: id }))).toEqual([
      "userId",
    ]);
  });

  it("a missing domain is DomainNotFound", async () => {
    const { app, calls } = harness();
    const error = await expectErr(app.unlinkUser.execute({ domainId: 2, userId: 5 }));
    expect(error).toMatchObject({ kind: "DomainNotFound", domainId: 2 });
    expect(writesOf(calls)).toEqual([]);
  });
});

describe("unlink user (§8)", () => {
  it("removes the link and the directory entry, keeps the contact, audits", async () => {
    const { app } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    await login(app, 1, 6, { email: "b@x.org" });
    const outcome = await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    expect(outcome).toEqual({ outcome: "unlinked", link: null, contactId: linked.contactId });
    expect(await expectErr(app.getLink.execute({ domainId: 1, userId: 5 }))).toMatchObject({
      kind: "LinkNotFound",
      domainId: 1,
      userId: 5,
    });
    expect((await usersOf(app)).map((user) => user.userId)).toEqual([6]);
    expect((await linksOf(app)).map((link) => link.userId)).toEqual([6]);
    const [contact] = await contactsWith(app, "a@x.org");
    expect(contact).toMatchObject({ id: linked.contactId, isDeleted: false });
    expect((await auditOf(app)).at(-1)).toMatchObject({
      domainId: 1,
      userId: 5,
      contactId: linked.contactId,
      action: "unlinked",
      trigger: "user-deletion",
    });
  });

  it("an unknown user is not-linked and changes nothing", async () => {
    const { app } = harness();
    await login(app, 1, 5, { email: "a@x.org" });
    const before = await snapshot(app, [1], ["a@x.org"]);
    const outcome = await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 77 }));
    expect(outcome).toEqual({ outcome: "not-linked", link: null, contactId: null });
    expect(await snapshot(app, [1], ["a@x.org"])).toEqual(before);
  });

  it("an unlinked user of the directory is not-linked and leaves the directory", async () => {
    const { app } = harness();
    await login(app, 1, 5, { username: "nomail" });
    expect(await usersOf(app)).toHaveLength(1);
    const outcome = await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    expect(outcome.outcome).toBe("not-linked");
    expect(await usersOf(app)).toEqual([]);
    expect(await auditOf(app)).toEqual([]);
  });

  it("keeps the same user's link in another domain", async () => {
    const { app } = harness();
    await putDomain(app, 2, { cms: "joomla" });
    const one = await login(app, 1, 5, { email: "a@x.org" });
    const two = await expectOk(
      app.linkOnInteraction.execute({
        domainId: 2,
        userId: 5,
        kind: "other",
        profile: { email: "a@x.org" },
      }),
    );
    expect(two.contactId).toBe(one.contactId);
    await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    expect(await linksOf(app, 2)).toEqual([two.link]);
    expect(await usersOf(app, 2)).toHaveLength(1);
    expect(await expectOk(app.getLink.execute({ domainId: 2, userId: 5 }))).toEqual(two.link);
  });

  it("repeating the deletion is not-linked", async () => {
    const { app } = harness();
    await login(app, 1, 5, { email: "a@x.org" });
    await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    const again = await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    expect(again.outcome).toBe("not-linked");
  });

  it("a user who comes back is linked to the same contact", async () => {
    const { app } = harness();
    const first = await login(app, 1, 5, { email: "a@x.org" });
    await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    const again = await login(app, 1, 5, { email: "a@x.org" });
    expect(again).toMatchObject({ outcome: "linked-existing", contactId: first.contactId });
  });

  it("the contact can be trashed once no domain links it", async () => {
    const { app } = harness();
    const linked = await login(app, 1, 5, { email: "a@x.org" });
    const contactId = linked.contactId ?? 0;
    expect(await expectErr(app.trashContact.execute({ contactId }))).toMatchObject({
      kind: "ContactIsLinked",
    });
    await expectOk(app.unlinkUser.execute({ domainId: 1, userId: 5 }));
    await expectOk(app.trashContact.execute({ contactId }));
  });
});
