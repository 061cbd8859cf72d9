import { ok, type Result, ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  type BatchWrites,
  type Civilink,
  type LockKeys,
  type StoreError,
  SynchronizeAllUsers,
  type SyncProgress,
  type UnitOfWork,
  type UserProfile,
  type Work,
} from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import {
  auditOf,
  contactsWith,
  linksOf,
  putDomain,
  usersOf,
} from "../../support/use-case-calls.js";
import {
  BAD_IDS,
  expectInvalid,
  type Harness,
  harness,
  snapshot,
  steppingClock,
  writesOf,
} from "./helpers.js";

/** Puts users into domain 2 (joomla: registration only upserts the directory). */
async function directory(app: Civilink, users: [number, UserProfile][]) {
  await putDomain(app, 2, { cms: "joomla" });
  for (const [userId, profile] of users) {
    const outcome = await expectOk(
      app.linkOnRegistration.execute({ domainId: 2, userId, profile }),
    );
    expect(outcome.outcome).toBe("ignored");
  }
}

const EMAILS = ["a@x.org", "m@x.org", "n@x.org", "bad@x.org", "e@x.org"];

/** A linked user, one matching an existing contact, two new ones, two without a valid email. */
async function mixedDirectory(h: Harness) {
  const { app } = h;
  await directory(app, [
    [7, { email: "n@x.org" }],
    [1, { email: "a@x.org" }],
    [3, { email: "M@x.org", firstName: "Mia" }],
    [9, { email: "e@x.org" }],
    [4, { username: "nomail" }],
    [5, { email: "not-an-email" }],
  ]);
  const linked = await expectOk(
    app.linkOnInteraction.execute({ domainId: 2, userId: 1, kind: "other", profile: {} }),
  );
  expect(linked.outcome).toBe("created-contact");
  const existing = await expectOk(app.createContact.execute({ emails: [{ email: "m@x.org" }] }));
  return { linked, existing };
}

/**
 * A unit of work on which another client gives user 1 of domain 2 a new email just before
 * every transaction, so that no locks chosen beforehand ever cover it.
 */
class MovingUser implements UnitOfWork {
  readonly transactions: LockKeys[] = [];
  private moves = 0;

  constructor(private readonly inner: UnitOfWork) {}

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    this.transactions.push(locks);
    const email = `moved${++this.moves}@x.org`;
    const move = this.inner.transaction({}, async (stores) =>
      ok(await stores.users.put({ domainId: 2, userId: 1, email })),
    );
    const moved = async () => {
      await move;
      return this.inner.transaction(locks, work);
    };
    return new ResultAsync(moved());
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.inner.read(work);
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.inner.discarding(work);
  }
}

/** Whether a batch write creates a contact with this email. */
const writesContactWith = (writes: unknown, email: string) =>
  (writes as BatchWrites).contacts.some((contact) =>
    contact.emails.some((entry) => entry.email === email),
  );

const sync = (app: Civilink, dryRun = false, onProgress?: (progress: SyncProgress) => void) =>
  app.synchronizeAllUsers.execute({
    domainId: 2,
    dryRun,
    ...(onProgress ? { onProgress } : {}),
  });

describe("synchronizeAllUsers: errors", () => {
  it.each(BAD_IDS)("refuses domainId %s", async (id) => {
    const { app, calls } = harness();
    expect(await expectInvalid(app.synchronizeAllUsers.execute({ domainId: id }))).toEqual([
      "domainId",
    ]);
    expect(calls).toEqual([]);
  });

  it.each([false, true])("a missing domain is DomainNotFound (dryRun %s)", async (dryRun) => {
    const { app } = harness();
    const error = await expectErr(app.synchronizeAllUsers.execute({ domainId: 5, dryRun }));
    expect(error).toMatchObject({ kind: "DomainNotFound", domainId: 5 });
  });
});

describe("synchronizeAllUsers (§9)", () => {
  it("an empty directory checks nothing", async () => {
    const { app } = harness();
    const result = await expectOk(app.synchronizeAllUsers.execute({ domainId: 1 }));
    expect(result).toEqual({
      domainId: 1,
      dryRun: false,
      report: { checked: 0, alreadyLinked: 0, matched: 0, created: 0, skipped: 0, failed: 0 },
      failures: [],
      message:
        "Checked 0 user records. Found 0 matching contact records. Created 0 new contact records.",
    });
  });

  it("links every user whatever the CMS, in userId order, with trigger sync", async () => {
    const h = harness();
    const { existing } = await mixedDirectory(h);
    const result = await expectOk(sync(h.app));
    expect(result.report).toEqual({
      checked: 6,
      alreadyLinked: 1,
      matched: 1,
      created: 2,
      skipped: 2,
      failed: 0,
    });
    expect(result.message).toBe(
      "Checked 6 user records. Found 2 matching contact records. Created 2 new contact records. Skipped 2 users without a valid email.",
    );
    const entries = (await auditOf(h.app, 2)).filter((entry) => entry.trigger === "sync");
    expect(entries.map((entry) => [entry.userId, entry.action])).toEqual([
      [3, "linked-existing"],
      [7, "created-contact"],
      [9, "created-contact"],
    ]);
    expect(entries[0]?.contactId).toBe(existing.id);
    const users = await usersOf(h.app, 2);
    expect(users.map((user) => [user.userId, user.contactId !== null])).toEqual([
      [1, true],
      [3, true],
      [4, false],
      [5, false],
      [7, true],
      [9, true],
    ]);
    const [created] = await contactsWith(h.app, "m@x.org");
    expect(created?.firstName).toBeUndefined();
  });

  it("reports progress with increasing processed and the total", async () => {
    const h = harness();
    await mixedDirectory(h);
    const seen: SyncProgress[] = [];
    await expectOk(sync(h.app, false, (progress) => seen.push({ ...progress })));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6].map((processed) => ({ processed, total: 6 })));
  });

  it("a dry run writes nothing and reports what the real run then does", async () => {
    const h = harness();
    await mixedDirectory(h);
    const before = await snapshot(h.app, [1, 2], EMAILS);
    h.calls.length = 0;
    const seen: number[] = [];
    const dry = await expectOk(sync(h.app, true, (progress) => seen.push(progress.processed)));
    expect(dry.dryRun).toBe(true);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await snapshot(h.app, [1, 2], EMAILS)).toEqual(before);

    const real = await expectOk(sync(h.app));
    expect(real.dryRun).toBe(false);
    expect(real.report).toEqual(dry.report);
    expect(real.failures).toEqual(dry.failures);
    expect(real.message).toBe(dry.message);
    expect(await snapshot(h.app, [1, 2], EMAILS)).not.toEqual(before);
    // The dry run did not even burn contact ids: the real run creates the ids it would have.
    const created = (await auditOf(h.app, 2)).filter((entry) => entry.action === "created-contact");
    expect(created.map((entry) => entry.contactId)).toEqual([1, 3, 4]);
  });

  it("a re-run changes nothing", async () => {
    const h = harness();
    await mixedDirectory(h);
    await expectOk(sync(h.app));
    const before = await snapshot(h.app, [2], EMAILS);
    h.calls.length = 0;
    const again = await expectOk(sync(h.app));
    expect(again.report).toEqual({
      checked: 6,
      alreadyLinked: 4,
      matched: 0,
      created: 0,
      skipped: 2,
      failed: 0,
    });
    expect(writesOf(h.calls)).toEqual([]);
    expect(await snapshot(h.app, [2], EMAILS)).toEqual(before);
  });

  it("a failing user is counted and reported, and the run goes on", async () => {
    const h = harness();
    await directory(h.app, [
      [1, { email: "a@x.org" }],
      [2, { email: "bad@x.org" }],
      [3, { email: "e@x.org" }],
    ]);
    h.fault = ({ repository, method, args }) =>
      repository === "bulk" && method === "write" && writesContactWith(args[0], "bad@x.org")
        ? new Error("disk full")
        : null;
    for (const dryRun of [true, false]) {
      const result = await expectOk(sync(h.app, dryRun));
      expect(result.report).toEqual({
        checked: 3,
        alreadyLinked: 0,
        matched: 0,
        created: 2,
        skipped: 0,
        failed: 1,
      });
      expect(result.failures).toEqual([{ userId: 2, reason: expect.any(String) }]);
      expect(result.failures[0]?.reason.length).toBeGreaterThan(0);
      expect(result.failures[0]?.reason).not.toContain("disk full");
      expect(result.message).toBe(
        "Checked 3 user records. Found 0 matching contact records. Created 2 new contact records. Failed 1 user record.",
      );
    }
    expect((await linksOf(h.app, 2)).map((link) => link.userId)).toEqual([1, 3]);
    expect(await contactsWith(h.app, "bad@x.org")).toEqual([]);

    h.fault = null;
    const retry = await expectOk(sync(h.app));
    expect(retry.report).toMatchObject({ alreadyLinked: 2, created: 1, failed: 0 });
    expect(retry.failures).toEqual([]);
  });

  it.each([false, true])("an offline store is StoreUnavailable (dryRun %s)", async (dryRun) => {
    const h = harness();
    await directory(h.app, [[1, { email: "a@x.org" }]]);
    h.store.offline = true;
    const pending = sync(h.app, dryRun);
    await expect(Promise.resolve(pending)).resolves.toBeDefined();
    expect(await expectErr(pending)).toMatchObject({ kind: "StoreUnavailable" });
    h.store.offline = false;
    expect((await expectOk(sync(h.app, dryRun))).report.created).toBe(1);
  });

  it("a store that goes away during the run stops it with StoreUnavailable", async () => {
    const h = harness();
    await directory(h.app, [
      [1, { email: "a@x.org" }],
      [2, { email: "b@x.org" }],
      [3, { email: "c@x.org" }],
      [4, { email: "d@x.org" }],
    ]);
    // Batches of two users: the store goes away once the first batch is done.
    const error = await expectErr(
      new SynchronizeAllUsers(h.store, steppingClock(), { batchSize: 2 }).execute({
        domainId: 2,
        onProgress: ({ processed }) => {
          if (processed === 2) h.store.offline = true;
        },
      }),
    );
    expect(error).toMatchObject({ kind: "StoreUnavailable" });
    h.store.offline = false;
    expect((await linksOf(h.app, 2)).map((link) => link.userId)).toEqual([1, 2]);
    const rest = await expectOk(sync(h.app));
    expect(rest.report).toMatchObject({ checked: 4, alreadyLinked: 2, created: 2 });
  });

  it("goes through directories larger than one page", async () => {
    const h = harness();
    const users: [number, UserProfile][] = [];
    for (let userId = 1; userId <= 1003; userId++) users.push([userId, { username: `u${userId}` }]);
    users.push([2000, { email: "last@x.org" }]);
    await directory(h.app, users);
    const seen: SyncProgress[] = [];
    const result = await expectOk(sync(h.app, false, (progress) => seen.push(progress)));
    expect(result.report).toMatchObject({ checked: 1004, skipped: 1003, created: 1 });
    expect(seen.at(-1)).toEqual({ processed: 1004, total: 1004 });
    expect(result.message).toBe(
      "Checked 1004 user records. Found 0 matching contact records. Created 1 new contact record. Skipped 1003 users without a valid email.",
    );
  });

  it("a user whose email keeps changing fails after five tries, the batch going on user by user", async () => {
    const h = harness();
    await directory(h.app, [
      [1, { email: "a@x.org" }],
      [2, { email: "b@x.org" }],
    ]);
    const moving = new MovingUser(h.store);
    const result = await expectOk(
      new SynchronizeAllUsers(moving, steppingClock()).execute({ domainId: 2 }),
    );
    expect(result.failures).toEqual([
      { userId: 1, reason: "The user's email kept changing during the sync." },
    ]);
    expect(result.report).toMatchObject({ checked: 2, created: 1, failed: 1 });
    // Five tries of the batch, then five of user 1 alone, then user 2.
    expect(moving.transactions.map((locks) => locks.users?.map((user) => user.userId))).toEqual([
      [1, 2],
      [1, 2, 1, 2],
      [1, 2, 1, 2],
      [1, 2, 1, 2],
      [1, 2, 1, 2],
      [1],
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
      [2],
    ]);
    expect(moving.transactions[4]?.emailKeys).toEqual(["a@x.org", "b@x.org", "moved4@x.org"]);
    expect((await linksOf(h.app, 2)).map((link) => link.userId)).toEqual([2]);
  });
});
