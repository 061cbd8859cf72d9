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
const NUL = "\u0000";
const LONE_SURROGATES = ["\ud800", "\udfff"];
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

    it.each([
      ["U+0000", [NUL], /U\+0000/],
      ["a lone surrogate", LONE_SURROGATES, /lone surrogate/],
    ])(
      "refuses %s in every text a use case takes, storing nothing",
      async (_label, bads, message) => {
        const contact = await successOf(civilink.createContact.execute({ firstName: "Kept" }));
        for (const bad of bads as string[]) {
          const email = `s${bad}@x.org`;
          const name = `n${bad}`;
          const event = (profile: object) => ({ domainId: 1, userId: 80, profile });
          const calls: [string, ResultAsync<unknown, unknown>][] = [
            ["profile.email", civilink.linkOnLogin.execute(event({ email }))],
            ["profile.username", civilink.linkOnRegistration.execute(event({ username: name }))],
            ["profile.firstName", civilink.syncUserEmail.execute(event({ firstName: name }))],
            [
              "profile.lastName",
              civilink.linkOnInteraction.execute({ ...event({ lastName: name }), kind: "other" }),
            ],
            ["profile.name", civilink.linkOnLogin.execute(event({ name }))],
            [
              "email",
              civilink.recordAnonymousInteraction.execute({ domainId: 1, kind: "other", email }),
            ],
            [
              "lastName",
              civilink.recordAnonymousInteraction.execute({
                domainId: 1,
                kind: "other",
                email: "v@x.org",
                lastName: name,
              }),
            ],
            ["firstName", civilink.createContact.execute({ firstName: name })],
            ["displayName", civilink.createContact.execute({ displayName: name })],
            ["emails.0.email", civilink.createContact.execute({ emails: [{ email }] })],
            [
              "emails.0.locationType",
              civilink.createContact.execute({
                emails: [{ email: "w@x.org", locationType: name }],
              }),
            ],
            ["lastName", civilink.updateContact.execute({ contactId: contact.id, lastName: name })],
            [
              "primaryEmail",
              civilink.updateContact.execute({ contactId: contact.id, primaryEmail: email }),
            ],
            ["email", civilink.syncContactEmail.execute({ contactId: contact.id, email })],
            [
              "definition.name",
              civilink.putDomain.execute({ domainId: 2, definition: { cms: "drupal", name } }),
            ],
            ["email", civilink.findContactsByEmail.execute({ email })],
            ["email", civilink.listLinks.execute({ domainId: 1, email })],
          ];
          for (const [path, result] of calls) {
            expect(await failureOf(result), path).toMatchObject(invalid(path, message));
          }
          expect(
            await failureOf(civilink.getSyncJob.execute({ jobId: `job${bad}` })),
          ).toMatchObject({
            kind: "SyncJobNotFound",
          });
        }
        const users = await successOf(civilink.listUsers.execute({ domainId: 1 }));
        expect(users.items.filter((user) => user.userId === 80)).toEqual([]);
        expect(
          await failureOf(civilink.getLink.execute({ domainId: 1, userId: 80 })),
        ).toMatchObject({
          kind: "LinkNotFound",
        });
        expect(await successOf(civilink.findContactsByEmail.execute({ email: "v@x.org" }))).toEqual(
          [],
        );
        expect(
          await successOf(civilink.getContact.execute({ contactId: contact.id })),
        ).toMatchObject({
          firstName: "Kept",
          emails: [],
        });
        expect(await successOf(civilink.listDomains.execute())).toHaveLength(1);
      },
    );

    it("rejects an import line with text the stores cannot hold and keeps the others", async () => {
      await successOf(civilink.putDomain.execute({ domainId: 3, definition: { cms: "drupal" } }));
      async function* rows() {
        yield { line: 1, user: { userId: 1, email: "a@x.org" } };
        yield { line: 2, user: { userId: 2, firstName: `N${NUL}` } };
        yield { line: 3, user: { userId: 3, username: "\udc00" } };
        yield { line: 4, user: { userId: 4 } };
      }
      const result = await successOf(civilink.importUsers.execute({ domainId: 3, rows: rows() }));
      expect(result).toEqual({
        imported: 2,
        updated: 0,
        rejected: [
          { line: 2, error: expect.stringMatching(/^firstName must not contain U\+0000/) },
          { line: 3, error: expect.stringMatching(/^username must not contain a lone surrogate/) },
        ],
        rejectedCount: 2,
      });
      const users = await successOf(civilink.listUsers.execute({ domainId: 3 }));
      expect(users.items.map((user) => user.userId)).toEqual([1, 4]);
    });
  });
}
