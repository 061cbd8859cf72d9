import { err, ok } from "neverthrow";
import { beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry, BatchWrites, Contact, Stores } from "../../../src/index.js";
import { MAX_TRANSACTION_ATTEMPTS } from "../../../src/infrastructure/persistence/store-runtime.js";
import { aLink, anEmail, anIndividual, aUser, T0, T1, T2 } from "../../support/builders.js";
import { errValue } from "../../support/results.js";
import {
  createContacts,
  freshStorePerTest,
  type MakeStore,
  putDomains,
  read,
  write,
} from "./support.js";

/**
 * BulkLinkStore: ensure-link's reads and writes for many users at once, in the transaction
 * of the other repositories.
 */
export function describeBulkLinkStoreContract(storeName: string, makeStore: MakeStore) {
  describe(`BulkLinkStore contract on ${storeName}`, () => {
    const store = freshStorePerTest(makeStore);

    beforeEach(async () => {
      await putDomains(store(), 2);
    });

    const inStore = <T>(work: (stores: Stores) => Promise<T>) => read(store(), work);

    /** A new Individual with this id, created at T0, ready for `write`. */
    const newContact = (
      id: number,
      emails: Parameters<typeof anIndividual>[0],
      name: Parameters<typeof anIndividual>[1] = {},
    ): Contact => ({
      ...anIndividual(emails, name),
      id,
      isDeleted: false,
      createdAt: T0,
    });

    const linkedAudit = (userId: number, contactId: number, at = T1): AuditEntry => ({
      at,
      domainId: 1,
      userId,
      contactId,
      action: "created-contact",
      trigger: "sync",
    });

    describe("usersWithLinks", () => {
      it("gives the directory's users with these ids in userId order, with their links in the domain", async () => {
        const [a, b] = await createContacts(
          store(),
          anIndividual(["a@x.org"]),
          anIndividual(["b@x.org"]),
        );
        await write(store(), async (stores) => {
          for (const userId of [1, 3, 5, 7, 8]) {
            await stores.users.put(aUser(1, userId, { email: `u${userId}@x.org` }));
          }
          await stores.users.put(aUser(2, 4, { email: "other@x.org" }));
          await stores.links.insert(aLink(1, 3, a as number, "u3@x.org"));
          await stores.links.insert(aLink(1, 8, b as number, "u8@x.org"));
          await stores.links.insert(aLink(2, 5, a as number, "u5@x.org"));
        });
        const found = await inStore((s) => s.bulk.usersWithLinks(1, [7, 3, 5, 4, 9]));
        expect(found).toEqual({
          users: [3, 5, 7].map((userId) => aUser(1, userId, { email: `u${userId}@x.org` })),
          links: [aLink(1, 3, a as number, "u3@x.org")],
        });
        expect(await inStore((s) => s.bulk.usersWithLinks(2, [4, 5]))).toEqual({
          users: [aUser(2, 4, { email: "other@x.org" })],
          links: [],
        });
        expect(await inStore((s) => s.bulk.usersWithLinks(1, []))).toEqual({
          users: [],
          links: [],
        });
      });
    });

    describe("candidatesByEmailKeys", () => {
      it("gives the live Individuals having one of the keys, by id, with only those emails", async () => {
        const [both, trashed, organization, other, onlyB] = await createContacts(
          store(),
          anIndividual(
            [anEmail("home@x.org", true), anEmail("a@x.org", false, "Work"), anEmail("b@x.org")],
            { firstName: "Ann", lastName: "Lee" },
          ),
          anIndividual(["a@x.org"]),
          { ...anIndividual(["a@x.org"]), contactType: "Organization", displayName: "Acme" },
          anIndividual(["other@x.org"]),
          anIndividual(["b@x.org"], { lastName: "Bee" }),
        );
        await write(store(), (stores) => stores.contacts.moveToTrash(trashed as number));
        const candidates = await inStore((s) =>
          s.bulk.candidatesByEmailKeys(1, ["a@x.org", "b@x.org", "nobody@x.org"]),
        );
        const withKeys = async (id: number | undefined, keys: string[]) => {
          const contact = (await inStore((s) => s.contacts.findById(id as number))) as Contact;
          return { ...contact, emails: contact.emails.filter((e) => keys.includes(e.email)) };
        };
        expect(candidates.contacts).toEqual([
          await withKeys(both, ["a@x.org", "b@x.org"]),
          await withKeys(onlyB, ["b@x.org"]),
        ]);
        expect(candidates.contacts[0]?.emails).toEqual([
          anEmail("a@x.org", false, "Work"),
          anEmail("b@x.org"),
        ]);
        expect(candidates.linkedInDomain).toEqual(new Set());
        expect([organization, other]).not.toContain(candidates.contacts[0]?.id);
      });

      it("linkedInDomain holds the candidates linked to a user of that domain only", async () => {
        const [one, two, three] = await createContacts(
          store(),
          anIndividual(["a@x.org"]),
          anIndividual(["a@x.org"]),
          anIndividual(["a@x.org"]),
        );
        await write(store(), async (stores) => {
          await stores.links.insert(aLink(1, 1, one as number, "a@x.org"));
          await stores.links.insert(aLink(2, 1, two as number, "a@x.org"));
        });
        const inOne = await inStore((s) => s.bulk.candidatesByEmailKeys(1, ["a@x.org"]));
        expect(inOne.contacts.map((contact) => contact.id)).toEqual([one, two, three]);
        expect(inOne.linkedInDomain).toEqual(new Set([one]));
        const inTwo = await inStore((s) => s.bulk.candidatesByEmailKeys(2, ["a@x.org"]));
        expect(inTwo.linkedInDomain).toEqual(new Set([two]));
      });

      it("gives nothing for no keys", async () => {
        await createContacts(store(), anIndividual(["a@x.org"]));
        expect(await inStore((s) => s.bulk.candidatesByEmailKeys(1, []))).toEqual({
          contacts: [],
          linkedInDomain: new Set(),
        });
      });
    });

    describe("reserveContactIds", () => {
      it("gives unique ascending ids after the contacts', that contacts created later never take", async () => {
        const existing = await createContacts(
          store(),
          anIndividual(["a@x.org"]),
          anIndividual(["b@x.org"]),
        );
        const last = Math.max(...existing);
        expect(await write(store(), (s) => s.bulk.reserveContactIds(0))).toEqual([]);
        const first = await write(store(), (s) => s.bulk.reserveContactIds(3));
        expect(first).toEqual([last + 1, last + 2, last + 3]);
        const second = await write(store(), (s) => s.bulk.reserveContactIds(2));
        expect(second).toEqual([last + 4, last + 5]);
        const [created] = await createContacts(store(), anIndividual(["c@x.org"]));
        expect(created).toBe(last + 6);
      });
    });

    describe("write", () => {
      it("writes the contacts with their emails, the links and the audit entries in order", async () => {
        const [existing] = await createContacts(store(), anIndividual(["old@x.org"]));
        const [id] = await write(store(), (s) => s.bulk.reserveContactIds(1));
        const contact = newContact(
          id as number,
          [anEmail("Zoë@x.org", true), anEmail("zoe@y.org", false, "Work")],
          { firstName: "Zoë", lastName: "O'Hara" },
        );
        const writes: BatchWrites = {
          contacts: [contact],
          links: [
            aLink(1, 9, id as number, "Zoë@X.org", T1),
            { ...aLink(1, 2, existing as number, "old@x.org", T1), updatedAt: T2 },
          ],
          audit: [
            linkedAudit(9, id as number),
            { ...linkedAudit(2, existing as number, T2), action: "linked-existing" },
            { ...linkedAudit(2, existing as number), userId: null, action: "conflict" },
          ],
        };
        await write(store(), (s) => s.bulk.write(writes));
        const after = await inStore(async (s) => ({
          contact: await s.contacts.findById(id as number),
          byEmail: await s.contacts.findByEmailKey("zoe@y.org"),
          byName: (await s.contacts.findByName("o'hara", { includeDeleted: false }, { limit: 9 }))
            .items,
          links: (await s.links.list(1, {}, { limit: 9 })).items,
          linked: await s.links.linkedContactIds(1, [id as number, existing as number]),
          audit: (await s.audit.list(1, {}, { limit: 9 })).items,
        }));
        expect(after).toEqual({
          contact,
          byEmail: [contact],
          byName: [contact],
          links: [writes.links[1], writes.links[0]],
          linked: new Set([id, existing]),
          audit: writes.audit,
        });
      });

      it("writes nothing for a batch with nothing to write", async () => {
        await write(store(), (s) => s.bulk.write({ contacts: [], links: [], audit: [] }));
        expect(await inStore(async (s) => (await s.links.list(1, {}, { limit: 9 })).items)).toEqual(
          [],
        );
      });

      it.each([
        ["the same (domain, user)", (_linked: number, id: number) => aLink(1, 1, id, "dup@x.org")],
        ["the same (domain, contact)", (linked: number) => aLink(1, 2, linked, "dup@x.org")],
      ])(
        "a link for %s as one already there is a ConcurrentWriteError: the transaction runs again, then gives up writing nothing",
        async (_name, duplicateOf) => {
          const [linked] = (await createContacts(store(), anIndividual(["first@x.org"]))) as [
            number,
          ];
          await write(store(), (s) => s.links.insert(aLink(1, 1, linked, "first@x.org")));
          let runs = 0;
          const result = await store().transaction({}, async (stores) => {
            runs++;
            await stores.users.put(aUser(1, 50, { email: "written@x.org" }));
            const [id] = (await stores.bulk.reserveContactIds(1)) as [number];
            await stores.bulk.write({
              contacts: [newContact(id, ["written@x.org"])],
              links: [aLink(1, 50, id, "written@x.org"), duplicateOf(linked, id)],
              audit: [linkedAudit(50, id)],
            });
            return ok("committed");
          });
          expect(errValue(result)).toEqual({
            kind: "StoreFailed",
            message: expect.stringMatching(/concurrent/i),
          });
          expect(runs).toBe(MAX_TRANSACTION_ATTEMPTS);
          expect(
            await inStore(async (s) => ({
              contacts: await s.contacts.findByEmailKey("written@x.org", { includeDeleted: true }),
              links: (await s.links.list(1, {}, { limit: 9 })).items,
              user: await s.users.get(1, 50),
              audit: (await s.audit.list(1, {}, { limit: 9 })).items,
            })),
          ).toEqual({
            contacts: [],
            links: [aLink(1, 1, linked, "first@x.org")],
            user: null,
            audit: [],
          });
        },
      );

      it.each([
        ["answers an error", () => err("changed my mind"), "changed my mind"],
        [
          "throws",
          () => {
            throw new Error("a bug");
          },
          expect.objectContaining({ kind: "StoreFailed" }),
        ],
      ])("is rolled back with the transaction when it %s", async (_name, end, error) => {
        const result = await store().transaction({}, async (stores) => {
          const [id] = (await stores.bulk.reserveContactIds(1)) as [number];
          await stores.bulk.write({
            contacts: [newContact(id, ["rolled@x.org"])],
            links: [aLink(1, 7, id, "rolled@x.org")],
            audit: [linkedAudit(7, id)],
          });
          expect(await stores.links.findByUser(1, 7)).toEqual(aLink(1, 7, id, "rolled@x.org"));
          return end();
        });
        expect(errValue(result)).toEqual(error);
        expect(
          await inStore(async (s) => ({
            contacts: await s.contacts.findByEmailKey("rolled@x.org", { includeDeleted: true }),
            link: await s.links.findByUser(1, 7),
            audit: (await s.audit.list(1, {}, { limit: 9 })).items,
          })),
        ).toEqual({ contacts: [], link: null, audit: [] });
      });
    });
  });
}
