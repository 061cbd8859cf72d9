import type { ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  type BatchWrites,
  type Civilink,
  type CmsSourceSpec,
  ConcurrentWriteError,
  StoreUnavailableError,
} from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import { StaticCmsUserSources, sourceUsers } from "../../support/static-cms-sources.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  login,
  outboxOf,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import { harness, snapshot } from "./helpers.js";

type Call = (app: Civilink) => ResultAsync<unknown, { kind: string }>;

const SOURCE: CmsSourceSpec = { cms: "wordpress", url: "mysql://root@127.0.0.1:3306/shop" };

/** Every use case, with an input that is valid once the store holds contact 1 linked to user 5. */
const USE_CASES: [string, Call][] = [
  [
    "linkOnRegistration",
    (app) =>
      app.linkOnRegistration.execute({ domainId: 1, userId: 6, profile: { email: "b@x.org" } }),
  ],
  [
    "linkOnLogin",
    (app) => app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } }),
  ],
  [
    "linkOnInteraction",
    (app) =>
      app.linkOnInteraction.execute({
        domainId: 1,
        userId: 6,
        kind: "event",
        profile: { email: "b@x.org" },
      }),
  ],
  [
    "syncUserEmail",
    (app) => app.syncUserEmail.execute({ domainId: 1, userId: 5, profile: { email: "c@x.org" } }),
  ],
  [
    "recordAnonymousInteraction",
    (app) =>
      app.recordAnonymousInteraction.execute({ domainId: 1, kind: "other", email: "d@x.org" }),
  ],
  ["unlinkUser", (app) => app.unlinkUser.execute({ domainId: 1, userId: 5 })],
  ["createContact", (app) => app.createContact.execute({ firstName: "Ada" })],
  ["updateContact", (app) => app.updateContact.execute({ contactId: 1, firstName: "Ada" })],
  ["syncContactEmail", (app) => app.syncContactEmail.execute({ contactId: 1, email: "e@x.org" })],
  ["trashContact", (app) => app.trashContact.execute({ contactId: 1 })],
  ["restoreContact", (app) => app.restoreContact.execute({ contactId: 1 })],
  ["putDomain", (app) => app.putDomain.execute({ domainId: 2, definition: { cms: "joomla" } })],
  ["synchronizeAllUsers", (app) => app.synchronizeAllUsers.execute({ domainId: 1 })],
  [
    "synchronizeAllUsers (dry run)",
    (app) => app.synchronizeAllUsers.execute({ domainId: 1, dryRun: true }),
  ],
  ["startSyncJob", (app) => app.startSyncJob.execute({ domainId: 1 })],
  [
    "getSyncJob (of a job just started)",
    (app) =>
      app.startSyncJob
        .execute({ domainId: 1, dryRun: true })
        .andThen((job) => app.getSyncJob.execute({ jobId: job.id })),
  ],
  ["listSyncJobs", (app) => app.listSyncJobs.execute({ domainId: 1 })],
  ["getDomain", (app) => app.getDomain.execute({ domainId: 1 })],
  ["listDomains", (app) => app.listDomains.execute()],
  ["getLink", (app) => app.getLink.execute({ domainId: 1, userId: 5 })],
  ["listLinks", (app) => app.listLinks.execute({ domainId: 1 })],
  ["getContact", (app) => app.getContact.execute({ contactId: 1 })],
  ["findContactsByEmail", (app) => app.findContactsByEmail.execute({ email: "a@x.org" })],
  ["searchContactsByName", (app) => app.searchContactsByName.execute({ name: "a" })],
  ["listAudit", (app) => app.listAudit.execute({ domainId: 1 })],
  ["listOutbox", (app) => app.listOutbox.execute({ domainId: 1 })],
  ["listUsers", (app) => app.listUsers.execute({ domainId: 1 })],
  ["countDomainUsers", (app) => app.countDomainUsers.execute({ domainId: 1 })],
  [
    "importUsers",
    (app) =>
      app.importUsers.execute({
        domainId: 1,
        rows: (async function* () {
          yield { line: 1, user: { userId: 7, email: "f@x.org" } };
        })(),
      }),
  ],
  [
    "importUsersFromCms",
    (app) => app.importUsersFromCms.execute({ domainId: 1, source: SOURCE, prune: true }),
  ],
  [
    "synchronizeUsersFromCms",
    (app) => app.synchronizeUsersFromCms.execute({ domainId: 1, source: SOURCE }),
  ],
  [
    "synchronizeUsersFromCms (dry run)",
    (app) => app.synchronizeUsersFromCms.execute({ domainId: 1, source: SOURCE, dryRun: true }),
  ],
];

/** A site with one user, read through fixed rows. */
const cmsHarness = () =>
  harness({ cmsUserSources: new StaticCmsUserSources(sourceUsers([[7, { email: "f@x.org" }]])) });

const EMAILS = ["a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org"];

describe("an offline store", () => {
  it("every use case of the facade is in the table", () => {
    const { app } = harness();
    const names = Object.keys(app).filter((key) => !["store", "container", "close"].includes(key));
    const covered = new Set(USE_CASES.map(([name]) => name.split(" ")[0]));
    expect(names.filter((name) => !covered.has(name))).toEqual([]);
  });

  it.each(USE_CASES)(
    "%s answers StoreUnavailable, never a rejection, and works again online",
    async (_name, call) => {
      const h = cmsHarness();
      await login(h.app, 1, 5, { email: "a@x.org" });
      const before = await snapshot(h.app, [1], EMAILS);
      h.store.offline = true;
      let pending: ResultAsync<unknown, { kind: string }> | undefined;
      expect(() => {
        pending = call(h.app);
      }).not.toThrow();
      const settled = await Promise.resolve(pending).then(
        (result) => ({ result }),
        (cause: unknown) => ({ rejected: cause }),
      );
      expect(settled).not.toHaveProperty("rejected");
      const result = (settled as { result: Awaited<ResultAsync<unknown, { kind: string }>> })
        .result;
      expect(result.isErr()).toBe(true);
      if (result.isErr()) {
        expect(result.error).toEqual({ kind: "StoreUnavailable", message: expect.any(String) });
      }
      h.store.offline = false;
      expect(await snapshot(h.app, [1], EMAILS)).toEqual(before);
      const online = await call(h.app);
      if (online.isErr()) {
        // Only a domain rule may refuse it now: the linked contact 1 cannot be trashed.
        expect(online.error.kind).toBe("ContactIsLinked");
      }
    },
  );
});

describe("a transaction that fails leaves no partial writes", () => {
  it("a rejected write of the new contact and its link rolls everything back", async () => {
    const h = harness();
    h.fault = (call) =>
      call.repository === "bulk" && call.method === "write" ? new Error("boom") : null;
    const error = await expectErr(
      h.app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } }),
    );
    expect(error).toEqual({ kind: "StoreFailed", message: expect.any(String) });
    expect(error.message).not.toContain("boom");
    expect(
      h.calls.some(
        (call) =>
          call.repository === "bulk" &&
          call.method === "write" &&
          (call.args[0] as BatchWrites).contacts.length === 1,
      ),
    ).toBe(true);
    expect(await contactsWith(h.app, "a@x.org")).toEqual([]);
    expect(await usersOf(h.app)).toEqual([]);
    expect(await linksOf(h.app)).toEqual([]);
    expect(await auditOf(h.app)).toEqual([]);

    h.fault = null;
    const retry = await login(h.app, 1, 5, { email: "a@x.org" });
    expect(retry.outcome).toBe("created-contact");
    expect(await contactsWith(h.app, "a@x.org")).toHaveLength(1);
    expect(await auditOf(h.app)).toHaveLength(1);
  });

  it("a failure while propagating an email change undoes the whole profile update", async () => {
    const h = harness();
    await putDomain(h.app, 2, { cms: "drupal" });
    const one = await login(h.app, 1, 5, { email: "a@x.org" });
    await login(h.app, 2, 9, { email: "a@x.org" });
    const before = await snapshot(h.app, [1, 2], ["a@x.org", "b@x.org"]);
    h.fault = (call) =>
      call.repository === "outbox" && call.method === "append" ? new Error("full") : null;
    const error = await expectErr(
      h.app.syncUserEmail.execute({ domainId: 1, userId: 5, profile: { email: "b@x.org" } }),
    );
    expect(error.kind).toBe("StoreFailed");
    h.fault = null;
    expect(await snapshot(h.app, [1, 2], ["a@x.org", "b@x.org"])).toEqual(before);
    expect((await usersOf(h.app))[0]?.email).toBe("a@x.org");

    const retry = await expectOk(
      h.app.syncUserEmail.execute({ domainId: 1, userId: 5, profile: { email: "b@x.org" } }),
    );
    expect(retry).toMatchObject({ outcome: "email-synced", contactId: one.contactId });
    expect(await outboxOf(h.app, 2)).toHaveLength(1);
  });

  it("a failure in syncContactEmail keeps the contact's email", async () => {
    const h = harness();
    const linked = await login(h.app, 1, 5, { email: "a@x.org" });
    h.fault = (call) =>
      call.repository === "links" && call.method === "updateUfName" ? new Error("x") : null;
    const contactId = linked.contactId ?? 0;
    expect(
      (await expectErr(h.app.syncContactEmail.execute({ contactId, email: "n@x.org" }))).kind,
    ).toBe("StoreFailed");
    h.fault = null;
    const contact = await expectOk(h.app.getContact.execute({ contactId }));
    expect(contact.emails.map((email) => email.email)).toEqual(["a@x.org"]);
    expect(await contactsWith(h.app, "n@x.org")).toEqual([]);
  });

  it("an adapter reporting the store unavailable mid-transaction is StoreUnavailable", async () => {
    const h = harness();
    h.fault = (call) =>
      call.method === "write" ? new StoreUnavailableError("connection lost") : null;
    const error = await expectErr(
      h.app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } }),
    );
    expect(error).toEqual({ kind: "StoreUnavailable", message: "connection lost" });
    expect(await contactsWith(h.app, "a@x.org")).toEqual([]);
  });

  it("a failing plain read is StoreFailed", async () => {
    const h = harness();
    h.fault = (call) => (call.repository === "domains" ? new Error("corrupt") : null);
    expect((await expectErr(h.app.listDomains.execute())).kind).toBe("StoreFailed");
    expect(
      (await expectErr(h.app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: {} }))).kind,
    ).toBe("StoreFailed");
  });
});

describe("concurrent write conflicts", () => {
  it("a ConcurrentWriteError is retried and the call succeeds", async () => {
    const h = harness();
    let thrown = 0;
    h.fault = (call) => {
      if (call.repository === "bulk" && call.method === "write" && thrown === 0) {
        thrown++;
        return new ConcurrentWriteError("lost a race");
      }
      return null;
    };
    const outcome = await login(h.app, 1, 5, { email: "a@x.org" });
    expect(outcome.outcome).toBe("created-contact");
    expect(thrown).toBe(1);
    const inserts = h.calls.filter((call) => call.repository === "bulk" && call.method === "write");
    expect(inserts).toHaveLength(2);
    // The first attempt's contact was rolled back: exactly one contact, and it is linked.
    const contacts = await contactsWith(h.app, "a@x.org");
    expect(contacts.map((contact) => contact.id)).toEqual([outcome.contactId]);
    expect(await linksOf(h.app)).toEqual([outcome.link]);
    expect(await auditOf(h.app)).toHaveLength(1);
  });

  it("a write that keeps losing gives up with StoreFailed and writes nothing", async () => {
    const h = harness();
    h.fault = (call) =>
      call.repository === "bulk" && call.method === "write"
        ? new ConcurrentWriteError("lost again")
        : null;
    const error = await expectErr(
      h.app.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "a@x.org" } }),
    );
    expect(error).toEqual({ kind: "StoreFailed", message: expect.stringMatching(/concurrent/i) });
    const inserts = h.calls.filter((call) => call.method === "write");
    expect(inserts.length).toBeGreaterThan(1);
    h.fault = null;
    expect(await contactsWith(h.app, "a@x.org")).toEqual([]);
    expect(await usersOf(h.app)).toEqual([]);
  });

  it("concurrent first logins of one user give one link and one contact", async () => {
    const { app } = harness();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        expectOk(
          app.linkOnLogin.execute({
            domainId: 1,
            userId: 5,
            profile: { email: "a@x.org", username: `name-${index % 2}` },
          }),
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.outcome === "created-contact")).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.contactId)).size).toBe(1);
    expect(await contactsWith(app, "a@x.org")).toHaveLength(1);
  });
});
