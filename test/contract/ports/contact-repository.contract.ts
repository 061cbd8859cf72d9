import { describe, expect, it } from "vitest";
import type { Contact } from "../../../src/index.js";
import { anEmail, anIndividual, T0 } from "../../support/builders.js";
import { createContacts, freshStorePerTest, type MakeStore, read, write } from "./support.js";

/** ContactRepository: contacts shared by every domain, found by id or by any email's key. */
export function describeContactRepositoryContract(storeName: string, makeStore: MakeStore) {
  describe(`ContactRepository contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    const findById = (id: number) => read(store(), (stores) => stores.contacts.findById(id));
    const findByEmailKey = (key: string, includeDeleted?: boolean) =>
      read(store(), (stores) =>
        stores.contacts.findByEmailKey(
          key,
          includeDeleted === undefined ? undefined : { includeDeleted },
        ),
      );

    it("create gives an id, the creation time and isDeleted false, keeping emails in order with their flags", async () => {
      const emails = [
        anEmail("work@x.org", false, "Work"),
        anEmail("home@x.org", true, "Home"),
        anEmail("other@x.org", false, "Other"),
      ];
      const created = await write(store(), (stores) =>
        stores.contacts.create(anIndividual(emails, { firstName: "Ann", lastName: "Lee" }), T0),
      );
      const expected: Contact = {
        id: expect.any(Number) as unknown as number,
        contactType: "Individual",
        firstName: "Ann",
        lastName: "Lee",
        displayName: "Ann Lee",
        emails,
        isDeleted: false,
        createdAt: T0,
      };
      expect(created).toEqual(expected);
      expect(Number.isSafeInteger(created.id) && created.id > 0).toBe(true);
      expect(await findById(created.id)).toEqual(created);
    });

    it("create keeps a contact without names or emails, and of every contact type", async () => {
      const created = await write(store(), async (stores) => [
        await stores.contacts.create(
          { contactType: "Organization", displayName: "Acme", emails: [] },
          T0,
        ),
        await stores.contacts.create(
          { contactType: "Household", displayName: "The Lees", emails: [] },
          T0,
        ),
      ]);
      for (const contact of created) {
        const found = await findById(contact.id);
        expect(found).toEqual(contact);
        expect(found?.firstName).toBeUndefined();
        expect(found?.lastName).toBeUndefined();
        expect(found?.emails).toEqual([]);
      }
      expect(created.map((contact) => contact.contactType)).toEqual(["Organization", "Household"]);
      expect(created[0]?.id).not.toBe(created[1]?.id);
    });

    it("findById is null for an unknown id", async () => {
      expect(await findById(424242)).toBeNull();
    });

    it("findByEmailKey finds by any of a contact's emails, sorted by id", async () => {
      const [first, second, third] = await createContacts(
        store(),
        anIndividual(["shared@x.org", "one@x.org"]),
        anIndividual(["two@x.org"]),
        anIndividual(["three@x.org", "shared@x.org"]),
      );
      const shared = await findByEmailKey("shared@x.org");
      expect(shared.map((contact) => contact.id)).toEqual([first, third]);
      expect(shared[1]).toEqual(await findById(third as number));
      expect((await findByEmailKey("two@x.org")).map((c) => c.id)).toEqual([second]);
      expect((await findByEmailKey("one@x.org")).map((c) => c.id)).toEqual([first]);
      expect(await findByEmailKey("nobody@x.org")).toEqual([]);
    });

    it("findByEmailKey leaves trashed contacts out unless includeDeleted", async () => {
      const [live, trashed] = await createContacts(
        store(),
        anIndividual(["a@x.org"]),
        anIndividual(["a@x.org"]),
      );
      await write(store(), (stores) => stores.contacts.moveToTrash(trashed as number));
      expect((await findByEmailKey("a@x.org")).map((c) => c.id)).toEqual([live]);
      expect((await findByEmailKey("a@x.org", false)).map((c) => c.id)).toEqual([live]);
      const all = await findByEmailKey("a@x.org", true);
      expect(all.map((c) => [c.id, c.isDeleted])).toEqual([
        [live, false],
        [trashed, true],
      ]);
    });

    it("setPrimaryEmail replaces the primary address in place, keeping its location type", async () => {
      const [id] = await createContacts(
        store(),
        anIndividual([
          anEmail("old@x.org", true, "Work"),
          anEmail("second@x.org", false, "Home"),
          anEmail("third@x.org", false, "Other"),
        ]),
      );
      const changed = await write(store(), (stores) =>
        stores.contacts.setPrimaryEmail(id as number, "New@X.org"),
      );
      const emails = [
        anEmail("new@x.org", true, "Work"),
        anEmail("second@x.org", false, "Home"),
        anEmail("third@x.org", false, "Other"),
      ];
      expect(changed.emails).toEqual(emails);
      expect(await findById(id as number)).toEqual(changed);
      expect(await findByEmailKey("old@x.org")).toEqual([]);
      expect((await findByEmailKey("new@x.org")).map((c) => c.id)).toEqual([id]);
    });

    it("setPrimaryEmail adds a primary email to a contact that has none", async () => {
      const [bare, withOther] = await createContacts(
        store(),
        anIndividual([]),
        anIndividual([anEmail("other@x.org", false, "Work")]),
      );
      const added = await write(store(), (stores) =>
        stores.contacts.setPrimaryEmail(bare as number, "first@x.org"),
      );
      expect(added.emails).toEqual([anEmail("first@x.org", true, "Home")]);
      const second = await write(store(), (stores) =>
        stores.contacts.setPrimaryEmail(withOther as number, "main@x.org"),
      );
      expect(second.emails).toEqual([
        anEmail("main@x.org", true, "Home"),
        anEmail("other@x.org", false, "Work"),
      ]);
      expect(await findById(withOther as number)).toEqual(second);
    });

    it("setPrimaryEmail promotes an address the contact has as a non-primary one, not repeating it", async () => {
      const [withPrimary, withoutPrimary] = await createContacts(
        store(),
        anIndividual([
          anEmail("main@x.org", true, "Home"),
          anEmail("alt@x.org", false, "Work"),
          anEmail("keep@x.org", false, "Other"),
        ]),
        anIndividual([anEmail("only@x.org", false, "Billing")]),
      );
      const promoted = await write(store(), (stores) =>
        stores.contacts.setPrimaryEmail(withPrimary as number, "ALT@x.org"),
      );
      expect(promoted.emails).toEqual([
        anEmail("alt@x.org", true, "Home"),
        anEmail("keep@x.org", false, "Other"),
      ]);
      expect(await findById(withPrimary as number)).toEqual(promoted);
      const alone = await write(store(), (stores) =>
        stores.contacts.setPrimaryEmail(withoutPrimary as number, "only@x.org"),
      );
      expect(alone.emails).toEqual([anEmail("only@x.org", true, "Billing")]);
      expect(await findById(withoutPrimary as number)).toEqual(alone);
    });

    it("rename replaces both names and the display name; an absent name is removed", async () => {
      const [id] = await createContacts(
        store(),
        anIndividual(["ann@x.org"], { firstName: "Ann", lastName: "Lee" }),
      );
      const renamed = await write(store(), (stores) =>
        stores.contacts.rename(id as number, { firstName: "Anne" }, "Anne"),
      );
      expect(renamed).toMatchObject({ id, firstName: "Anne", displayName: "Anne" });
      expect(renamed.lastName).toBeUndefined();
      expect(renamed.emails).toEqual([anEmail("ann@x.org", true)]);
      expect(await findById(id as number)).toEqual(renamed);
      const again = await write(store(), (stores) =>
        stores.contacts.rename(id as number, { firstName: "Ann", lastName: "Lee-Smith" }, "Dr Ann"),
      );
      expect(again).toMatchObject({
        firstName: "Ann",
        lastName: "Lee-Smith",
        displayName: "Dr Ann",
      });
      expect(await findById(id as number)).toEqual(again);
    });

    it("moveToTrash marks the contact deleted and keeps everything else", async () => {
      const [id, other] = await createContacts(
        store(),
        anIndividual(["a@x.org"], { firstName: "Ann" }),
        anIndividual(["b@x.org"]),
      );
      const before = await findById(id as number);
      await write(store(), (stores) => stores.contacts.moveToTrash(id as number));
      expect(await findById(id as number)).toEqual({ ...before, isDeleted: true });
      expect((await findById(other as number))?.isDeleted).toBe(false);
    });

    it("restoreFromTrash takes the contact out of the trash and keeps everything else", async () => {
      const [id] = await createContacts(store(), anIndividual(["a@x.org"], { firstName: "Ann" }));
      const before = await findById(id as number);
      await write(store(), (stores) => stores.contacts.moveToTrash(id as number));
      await write(store(), (stores) => stores.contacts.restoreFromTrash(id as number));
      expect(await findById(id as number)).toEqual(before);
      expect((await findByEmailKey("a@x.org")).map((c) => c.id)).toEqual([id]);
      await write(store(), (stores) => stores.contacts.restoreFromTrash(id as number));
      expect(await findById(id as number)).toEqual(before);
    });
  });
}
