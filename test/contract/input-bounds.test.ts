import type { ResultAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Civilink } from "../../src/index.js";
import { ALL_TEST_STORES, shouldRun } from "../support/test-stores.js";

/**
 * A library caller gets the same answer from every store for input the stores cannot hold:
 * ValidationFailed before the store is asked, never StoreFailed on one store and success on
 * another.
 */

const MAX_DOMAIN_ID = 2_147_483_647;
const MAX_USER_ID = Number.MAX_SAFE_INTEGER;

async function failureOf<T, E>(result: ResultAsync<T, E>): Promise<E> {
  const settled = await result;
  if (settled.isOk()) throw new Error(`Expected an error, got ${JSON.stringify(settled.value)}`);
  return settled.error;
}

async function successOf<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

const invalid = (path: string, message: string | RegExp) => ({
  kind: "ValidationFailed",
  details: [
    { path, message: typeof message === "string" ? message : expect.stringMatching(message) },
  ],
});

for (const testStore of ALL_TEST_STORES) {
  describe.runIf(await shouldRun(testStore))(`use-case input bounds on ${testStore.name}`, () => {
    let civilink: Civilink;
    beforeAll(async () => {
      civilink = await testStore.makeCivilink();
    });
    afterAll(async () => {
      await civilink?.close();
    });

    it("refuses a domain id above 2147483647 in every use case that takes one", async () => {
      const domainId = MAX_DOMAIN_ID + 1;
      const tooLarge = invalid("domainId", `must be at most ${MAX_DOMAIN_ID}`);
      const profile = { email: "a@x.org" };
      const results = [
        civilink.getDomain.execute({ domainId }),
        civilink.putDomain.execute({ domainId, definition: { cms: "drupal" } }),
        civilink.linkOnLogin.execute({ domainId, userId: 1, profile }),
        civilink.linkOnRegistration.execute({ domainId, userId: 1, profile }),
        civilink.linkOnInteraction.execute({ domainId, userId: 1, kind: "other", profile }),
        civilink.syncUserEmail.execute({ domainId, userId: 1, profile }),
        civilink.unlinkUser.execute({ domainId, userId: 1 }),
        civilink.recordAnonymousInteraction.execute({ domainId, kind: "other", email: "a@x.org" }),
        civilink.getLink.execute({ domainId, userId: 1 }),
        civilink.listLinks.execute({ domainId }),
        civilink.listUsers.execute({ domainId }),
        civilink.listAudit.execute({ domainId }),
        civilink.listOutbox.execute({ domainId }),
        civilink.importUsers.execute({ domainId, rows: [] as never }),
        civilink.synchronizeAllUsers.execute({ domainId }),
        civilink.startSyncJob.execute({ domainId }),
      ];
      for (const [index, result] of results.entries()) {
        expect(
          await failureOf(result as ResultAsync<unknown, unknown>),
          `call ${index}`,
        ).toMatchObject(tooLarge);
      }
      expect(await successOf(civilink.listDomains.execute())).toHaveLength(1);
    });

    it("takes user and contact ids up to 9007199254740991 and refuses larger ones", async () => {
      const login = await successOf(
        civilink.linkOnLogin.execute({
          domainId: 1,
          userId: MAX_USER_ID,
          profile: { email: "m@x.org" },
        }),
      );
      expect(login).toMatchObject({ outcome: "created-contact", link: { userId: MAX_USER_ID } });
      expect(
        await successOf(civilink.getLink.execute({ domainId: 1, userId: MAX_USER_ID })),
      ).toMatchObject({ userId: MAX_USER_ID });
      expect(
        (await successOf(civilink.listAudit.execute({ domainId: 1, userId: MAX_USER_ID }))).items,
      ).toHaveLength(1);
      const beyond = MAX_USER_ID + 1;
      const userTooLarge = invalid("userId", `must be at most ${MAX_USER_ID}`);
      const contactTooLarge = invalid("contactId", `must be at most ${MAX_USER_ID}`);
      expect(
        await failureOf(civilink.getLink.execute({ domainId: 1, userId: beyond })),
      ).toMatchObject(userTooLarge);
      expect(
        await failureOf(civilink.linkOnLogin.execute({ domainId: 1, userId: beyond, profile: {} })),
      ).toMatchObject(userTooLarge);
      expect(await failureOf(civilink.getContact.execute({ contactId: beyond }))).toMatchObject(
        contactTooLarge,
      );
      expect(
        await failureOf(civilink.listLinks.execute({ domainId: 1, contactId: beyond })),
      ).toMatchObject(contactTooLarge);
      expect(
        await failureOf(civilink.getContact.execute({ contactId: MAX_USER_ID })),
      ).toMatchObject({
        kind: "ContactNotFound",
      });
      expect(
        await successOf(civilink.unlinkUser.execute({ domainId: 1, userId: MAX_USER_ID })),
      ).toMatchObject({ outcome: "unlinked" });
    });

    it("takes cursors up to 9007199254740991 and refuses larger ones", async () => {
      const last = await successOf(
        civilink.listUsers.execute({ domainId: 1, cursor: String(MAX_USER_ID) }),
      );
      expect(last).toEqual({ items: [], nextCursor: null });
      const beyond = await failureOf(
        civilink.listLinks.execute({ domainId: 1, cursor: "9007199254740992" }),
      );
      expect(beyond).toMatchObject(invalid("cursor", "is not a cursor this service gave"));
    });
  });
}
