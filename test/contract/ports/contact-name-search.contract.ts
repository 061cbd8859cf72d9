import { describe, expect, it } from "vitest";
import { type Contact, foldName, type NewContact } from "../../../src/index.js";
import { anIndividual } from "../../support/builders.js";
import { createContacts, freshStorePerTest, type MakeStore, read, write } from "./support.js";

const named = (firstName?: string, lastName?: string, displayName?: string): NewContact => ({
  ...anIndividual([], {
    ...(firstName === undefined ? {} : { firstName }),
    ...(lastName === undefined ? {} : { lastName }),
  }),
  ...(displayName === undefined ? {} : { displayName }),
});

const organization = (displayName: string): NewContact => ({
  contactType: "Organization",
  displayName,
  emails: [],
});

/** ContactRepository.findByName: the same contacts, in the same order, on every store. */
export function describeContactNameSearchContract(storeName: string, makeStore: MakeStore) {
  describe(`ContactRepository name search contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    const search = (text: string, options: { includeDeleted?: boolean; limit?: number } = {}) =>
      read(store(), (stores) =>
        stores.contacts.findByName(
          foldName(text),
          { includeDeleted: options.includeDeleted === true },
          { limit: options.limit ?? 100 },
        ),
      );
    const idsFound = async (text: string, includeDeleted = false) =>
      (await search(text, { includeDeleted })).items.map((contact) => contact.id);

    it("finds a text in first, last or display names, whatever its case, lowest id first", async () => {
      const [ann, lee, acme, smith] = await createContacts(
        store(),
        named("Ann", "Smith"),
        named("Lee", "Annan"),
        organization("ACME Annex"),
        named("Bob", "Smith", "Dr Bob"),
      );
      expect(await idsFound("ann")).toEqual([ann, lee, acme]);
      expect(await idsFound("ANN")).toEqual([ann, lee, acme]);
      expect(await idsFound("smith")).toEqual([ann, smith]);
      expect(await idsFound("dr b")).toEqual([smith]);
      expect(await idsFound("acme")).toEqual([acme]);
      expect(await idsFound("nobody")).toEqual([]);
      // Each name on its own: a text never spans the first and the last name.
      expect(await idsFound("annsmith")).toEqual([]);
      const [found] = (await search("lee")).items;
      expect(found).toEqual(await read(store(), (stores) => stores.contacts.findById(lee ?? 0)));
    });

    it("matches letters beyond ASCII in either case: É/é, Ä/ä, Σ/σ/ς, Ø/ø", async () => {
      const [elodie, strom, greek, oyvind] = await createContacts(
        store(),
        named("Élodie", "Durand"),
        named("Jörg", "STRÄSSLE"),
        named("Νίκος", "ΠΑΠΑΔΌΠΟΥΛΟΣ"),
        named("Øyvind", "Ås"),
      );
      expect(await idsFound("ÉLODIE")).toEqual([elodie]);
      expect(await idsFound("élo")).toEqual([elodie]);
      expect(await idsFound("elodie")).toEqual([]);
      expect(await idsFound("jÖrg")).toEqual([strom]);
      expect(await idsFound("strässle")).toEqual([strom]);
      expect(await idsFound("παπαδόπουλος")).toEqual([greek]);
      expect(await idsFound("ΠΟΥΛΟΣ")).toEqual([greek]);
      expect(await idsFound("λος")).toEqual([greek]);
      expect(await idsFound("νίκοσ")).toEqual([greek]);
      expect(await idsFound("øYV")).toEqual([oyvind]);
      expect(await idsFound("ås")).toEqual([oyvind]);
    });

    it("finds an accented letter whether it is written composed or with a combining accent", async () => {
      const [composed, decomposed] = await createContacts(
        store(),
        named("José"),
        named("Jose\u0301"),
      );
      expect(await idsFound("josé")).toEqual([composed, decomposed]);
      expect(await idsFound("JOSE\u0301")).toEqual([composed, decomposed]);
      expect(await idsFound("jose")).toEqual([]);
    });

    it("takes %, _ and \\ as the characters they are, not as wildcards", async () => {
      const [percent, underscore, backslash] = await createContacts(
        store(),
        organization("50% Off"),
        organization("a_b"),
        organization("C:\\Temp"),
        organization("500 Off"),
        organization("axb"),
      );
      expect(await idsFound("0%")).toEqual([percent]);
      expect(await idsFound("%")).toEqual([percent]);
      expect(await idsFound("a_b")).toEqual([underscore]);
      expect(await idsFound("_")).toEqual([underscore]);
      expect(await idsFound("\\t")).toEqual([backslash]);
      expect(await idsFound("\\")).toEqual([backslash]);
    });

    it("leaves trashed contacts out unless includeDeleted, and finds them again once restored", async () => {
      const [live, trashed] = await createContacts(store(), named("Kim", "Live"), named("Kim"));
      await write(store(), (stores) => stores.contacts.moveToTrash(trashed as number));
      expect(await idsFound("kim")).toEqual([live]);
      expect(await idsFound("kim", true)).toEqual([live, trashed]);
      const all = (await search("kim", { includeDeleted: true })).items;
      expect(all.map((contact: Contact) => contact.isDeleted)).toEqual([false, true]);
      await write(store(), (stores) => stores.contacts.restoreFromTrash(trashed as number));
      expect(await idsFound("kim")).toEqual([live, trashed]);
    });

    it("finds contacts by their names as they are now: created, renamed", async () => {
      const [id] = await createContacts(store(), named("Old", "Name"));
      await write(store(), (stores) =>
        stores.contacts.rename(id as number, { firstName: "Neue" }, "Neue Ärztin"),
      );
      expect(await idsFound("old")).toEqual([]);
      expect(await idsFound("name")).toEqual([]);
      expect(await idsFound("neue")).toEqual([id]);
      expect(await idsFound("ärztin")).toEqual([id]);
    });

    it("pages in id order after the cursor's contact, full pages while there are more", async () => {
      const ids = await createContacts(
        store(),
        ...Array.from({ length: 7 }, (_, index) =>
          index % 2 === 0 ? named(`Match ${index}`) : named(`Other ${index}`),
        ),
        named("Match last"),
      );
      const matching = ids.filter((_, index) => index % 2 === 0 || index === 7);
      const first = await search("match", { limit: 2 });
      expect(first.items.map((contact) => contact.id)).toEqual(matching.slice(0, 2));
      expect(first.next).toBe(matching[1]);
      const pages = [first.items.map((contact) => contact.id)];
      let after = first.next;
      while (after !== null) {
        const page = await read(store(), (stores) =>
          stores.contacts.findByName(
            foldName("match"),
            { includeDeleted: false },
            { limit: 2, after: after as number },
          ),
        );
        pages.push(page.items.map((contact) => contact.id));
        after = page.next;
      }
      expect(pages).toEqual([matching.slice(0, 2), matching.slice(2, 4), matching.slice(4, 5)]);
      const exact = await search("match", { limit: matching.length });
      expect(exact.next).toBeNull();
    });
  });
}
