import fc from "fast-check";
import { type Result, ResultAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Clock,
  type CmsKind,
  type CmsUser,
  type ContactType,
  DEFAULT_DEDUPE_RULE as DEFAULT_RULE,
  type DedupeRule,
  type Domain,
  type DomainId,
  Email,
  type LockKeys,
  type NewContact,
  type StoreError,
  SynchronizeAllUsers,
  type UnitOfWork,
  type Work,
} from "../../src/index.js";
import { aLink, T0 } from "../support/builders.js";
import { okValue } from "../support/results.js";
import { write } from "./ports/support.js";
import type { MakeTwin, SqlTwin } from "./support/sql-twin.js";

/**
 * SPEC §9: "The result must equal running ensure-link user by user, even though a SQL store
 * does it set-based." Random worlds (domains of every CMS with random dedupe rules, contacts
 * sharing a few addresses, trashed ones, Organizations and Households, links in this and
 * other domains, directory users with addresses in any casing and padding, invalid and
 * missing ones, names and Joomla's single name) are built twice from one seed. One twin is
 * synchronised set-based in small batches, so that batch boundaries fall everywhere; the
 * other user by user. Dry runs, runs and re-runs must answer the same and leave the same
 * contacts (ids and every field), links, directory and audit log behind.
 */

const T1 = new Date("2024-05-06T07:08:09.010Z");
const clock: Clock = { now: () => T1 };

const KEYS = ["a@x.org", "b@x.org", "cc@y.org", "d@y.org"];
const OTHER_KEYS = ["z@z.org"];
const USER_IDS = { min: 1, max: 40 };
const DOMAIN_IDS = [1, 2, 3] as const;

const padding = fc.constantFrom("", "", " ", "  ", "\t");
const validEmail = fc
  .tuple(padding, fc.mixedCase(fc.constantFrom(...KEYS)), padding)
  .map(([before, address, after]) => `${before}${address}${after}`);
const userEmail = fc.oneof(
  { weight: 8, arbitrary: validEmail },
  { weight: 1, arbitrary: fc.constantFrom("not-an-email", "a@@x.org", "a b@x.org", "@x.org") },
  { weight: 1, arbitrary: fc.constantFrom(undefined, "", "   ") },
);
/** Names that match each other trimmed and case-insensitively, and some that SQL arrays must escape. */
const aName = fc.constantFrom(
  undefined,
  "Ann",
  " ann",
  "ANN ",
  "Bob",
  "",
  "  ",
  "O'Hara",
  'Zoë "Z" {x},\\y',
  "NULL",
);
const joomlaName = fc.constantFrom(
  undefined,
  "Hara, Ann",
  "Ann Hara",
  "Ann Marie Hara",
  "Hara",
  "",
);

const profile = fc
  .record({
    email: userEmail,
    firstName: aName,
    lastName: aName,
    name: joomlaName,
    username: fc.constantFrom(undefined, "someone"),
  })
  .map((fields) => withoutUndefined(fields));

/** `T` as `withoutUndefined` leaves it: a field that may be undefined is optional instead. */
type WithoutUndefined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

function withoutUndefined<T extends object>(fields: T): WithoutUndefined<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as WithoutUndefined<T>;
}

const dedupeRule: fc.Arbitrary<DedupeRule> = fc.record({
  weights: fc.record({
    email: fc.constantFrom(0, 10),
    firstName: fc.constantFrom(0, 5),
    lastName: fc.constantFrom(0, 5),
  }),
  threshold: fc.constantFrom(0, 10, 10, 15, 20),
});

const CMS_KINDS: CmsKind[] = ["drupal", "backdrop", "wordpress", "joomla", "standalone"];

const domains = fc
  .tuple(
    fc.constantFrom(...CMS_KINDS),
    fc.constantFrom(...CMS_KINDS),
    dedupeRule,
    dedupeRule,
    dedupeRule,
  )
  .map(([cms1, cms3, rule1, rule2, rule3]): Domain[] => [
    { id: 1, name: "Domain 1", cms: cms1, syncCmsEmail: true, dedupeRule: rule1 },
    { id: 2, name: "Domain 2", cms: "joomla", syncCmsEmail: true, dedupeRule: rule2 },
    { id: 3, name: "Domain 3", cms: cms3, syncCmsEmail: false, dedupeRule: rule3 },
  ]);

interface SeedContact {
  contact: NewContact;
  trashed: boolean;
}

const contact: fc.Arbitrary<SeedContact> = fc
  .record({
    contactType: fc.constantFrom<ContactType>(
      "Individual",
      "Individual",
      "Individual",
      "Organization",
      "Household",
    ),
    firstName: aName,
    lastName: aName,
    emails: fc.uniqueArray(fc.constantFrom(...KEYS, ...OTHER_KEYS), { maxLength: 3 }),
    primary: fc.integer({ min: -1, max: 2 }),
    workAt: fc.integer({ min: -1, max: 2 }),
    trashed: fc.integer({ min: 0, max: 5 }).map((roll) => roll === 0),
  })
  .map(({ contactType, firstName, lastName, emails, primary, workAt, trashed }) => {
    const names = withoutUndefined({ firstName, lastName });
    return {
      contact: {
        contactType,
        ...names,
        displayName:
          [names.firstName, names.lastName].filter(Boolean).join(" ") || emails[0] || "Nobody",
        emails: emails.map((email, index) => ({
          email,
          isPrimary: index === primary,
          locationType: index === workAt ? "Work" : "Home",
        })),
      },
      trashed,
    };
  });

const domainId = fc.constantFrom<DomainId>(...DOMAIN_IDS);
const userId = fc.integer(USER_IDS);

/** A domain's directory: up to 25 users (as many as a batch size allows to cross 3 to 8 batches). */
const directoryOf = (domainId: DomainId) =>
  fc.uniqueArray(
    fc
      .record({ userId, profile })
      .map(({ userId, profile }): CmsUser => ({ domainId, userId, ...profile })),
    { selector: (user) => user.userId, maxLength: 25, size: "max" },
  );

interface SeedLink {
  domainId: DomainId;
  userId: number;
  contact: number;
  ufName: string;
}

export interface World {
  domains: Domain[];
  contacts: SeedContact[];
  links: SeedLink[];
  users: CmsUser[];
  syncDomain: DomainId;
  batchSize: number;
}

const world: fc.Arbitrary<World> = fc
  .record({
    domains,
    contacts: fc.array(contact, { maxLength: 14, size: "max" }),
    links: fc.array(fc.record({ domainId, userId, contact: fc.nat(), ufName: validEmail }), {
      maxLength: 10,
    }),
    users: fc.tuple(...DOMAIN_IDS.map(directoryOf)).map((directories) => directories.flat()),
    syncDomain: domainId,
    batchSize: fc.integer({ min: 3, max: 7 }),
  })
  .map((drawn): World => {
    // Links respect SPEC §1: one per user and one per contact in each domain.
    const users = new Set<string>();
    const contacts = new Set<string>();
    const links =
      drawn.contacts.length === 0
        ? []
        : drawn.links.flatMap((link) => {
            const resolved = { ...link, contact: link.contact % drawn.contacts.length };
            const user = `${link.domainId}:${link.userId}`;
            const taken = `${link.domainId}:${resolved.contact}`;
            if (users.has(user) || contacts.has(taken)) return [];
            users.add(user);
            contacts.add(taken);
            return [resolved];
          });
    return { ...drawn, links };
  });

/** Builds the world in an emptied store, the same way on both twins, so that ids agree. */
async function seed(twin: SqlTwin, world: World): Promise<void> {
  await twin.reset();
  await write(twin.store, async (stores) => {
    for (const domain of world.domains) await stores.domains.put(domain);
    const ids: number[] = [];
    for (const { contact, trashed } of world.contacts) {
      const created = await stores.contacts.create(contact, T0);
      if (trashed) await stores.contacts.moveToTrash(created.id);
      ids.push(created.id);
    }
    for (const link of world.links) {
      await stores.links.insert(
        aLink(link.domainId, link.userId, ids[link.contact] as number, link.ufName),
      );
    }
    for (const user of world.users) await stores.users.put(user);
  });
}

/** A unit of work that records the locks of every transaction it runs, dry runs' too. */
export class RecordingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    readonly transactions: LockKeys[] = [],
  ) {}

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    this.transactions.push(locks);
    return this.inner.transaction(locks, work);
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.inner.read(work);
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.inner.discarding((uow) => work(new RecordingUnitOfWork(uow, this.transactions)));
  }
}

/**
 * Every row the sync could touch, read straight from the tables: contacts by id (so both twins
 * must agree on ids, gaps included: a dry run draws ids it then throws away), their emails,
 * links, the directory and the audit log with its sequence numbers.
 */
async function everything(twin: SqlTwin) {
  const rows = (sql: string) => twin.query<Record<string, unknown>>(sql);
  return {
    domains: await rows("select * from domains order by id"),
    contacts: await rows("select * from contacts order by id"),
    emails: await rows("select * from contact_emails order by contact_id, position"),
    links: await rows("select * from links order by domain_id, user_id"),
    users: await rows("select * from users order by domain_id, user_id"),
    audit: await rows("select * from audit_entries order by seq"),
    sequence: await rows("select last_value from contacts_id_seq"),
  };
}

const sync = (
  uow: UnitOfWork,
  options: { setBased: boolean; batchSize: number },
  domainId: DomainId,
  dryRun: boolean,
) => new SynchronizeAllUsers(uow, clock, options).execute({ domainId, dryRun });

/** Checks one world; throws on the first difference. */
async function checkWorld(setBasedTwin: SqlTwin, userByUserTwin: SqlTwin, world: World) {
  await seed(setBasedTwin, world);
  await seed(userByUserTwin, world);
  const setBased = new RecordingUnitOfWork(setBasedTwin.store);
  const userByUser = userByUserTwin.store;
  const batch = { setBased: true, batchSize: world.batchSize };
  const single = { setBased: false, batchSize: world.batchSize };
  const domainId = world.syncDomain;
  const inDomain = world.users.filter((user) => user.domainId === domainId).length;

  const seeded = await everything(setBasedTwin);
  const dryRun = okValue(await sync(setBased, batch, domainId, true));
  const dryRunByUser = okValue(await sync(userByUser, single, domainId, true));
  expect(dryRun).toEqual(dryRunByUser);
  // Writes nothing (the ids it drew from the sequence are gone, as with any rollback).
  expect({ ...(await everything(setBasedTwin)), sequence: null }).toEqual({
    ...seeded,
    sequence: null,
  });

  const run = okValue(await sync(setBased, batch, domainId, false));
  const runByUser = okValue(await sync(userByUser, single, domainId, false));
  expect(run).toEqual(runByUser);
  expect({ ...dryRun, dryRun: false }).toEqual(run);
  expect(run.report.failed).toBe(0);
  expect(await everything(setBasedTwin)).toEqual(await everything(userByUserTwin));

  const rerun = okValue(await sync(setBased, batch, domainId, false));
  expect(rerun).toEqual(okValue(await sync(userByUser, single, domainId, false)));
  expect(rerun.report).toMatchObject({ matched: 0, created: 0 });
  expect(await everything(setBasedTwin)).toEqual(await everything(userByUserTwin));

  // Set-based for real: one transaction per batch, none per user, each under all its keys.
  const batches = Math.ceil(inDomain / world.batchSize);
  expect(setBased.transactions).toHaveLength(3 * batches);
  const keyOf = new Map(
    world.users
      .filter((user) => user.domainId === domainId)
      .map((user) => [user.userId, Email.parse(user.email).map((email) => email.key)]),
  );
  for (const locks of setBased.transactions) {
    expect(locks.users?.length ?? 0).toBeLessThanOrEqual(world.batchSize);
    for (const user of locks.users ?? []) {
      const key = keyOf.get(user.userId);
      expect(user.domainId).toBe(domainId);
      if (key?.isOk()) expect(locks.emailKeys).toContain(key.value);
    }
  }
}

const BOOM = `
  create or replace function refuse_boom() returns trigger language plpgsql as $$
  begin raise exception 'no Boom here'; end $$;
  create trigger refuse_boom before insert on contacts
    for each row when (new.first_name = 'Boom') execute function refuse_boom();`;

const NO_BOOM =
  "drop trigger if exists refuse_boom on contacts; drop function if exists refuse_boom();";

/** What a user's link points at, whatever ids the contacts got. */
async function linkedContacts(twin: SqlTwin) {
  return twin.query(
    `select l.user_id, l.uf_name, c.first_name, c.display_name, e.email, e.is_primary
       from links l join contacts c on c.id = l.contact_id
       left join contact_emails e on e.contact_id = c.id
      order by l.domain_id, l.user_id, e.position`,
  );
}

/**
 * A unit of work on which, just before the first transaction, another client deletes user 2
 * and moves user 3 to an address of a key nobody locked yet.
 */
class Interfering extends RecordingUnitOfWork {
  private interfered = false;

  constructor(private readonly store: UnitOfWork) {
    super(store);
  }

  override transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    if (this.interfered) return super.transaction(locks, work);
    this.interfered = true;
    const interfere = async () => {
      await write(this.store, async (stores) => {
        await stores.users.remove(1, 2);
        await stores.users.put({ domainId: 1, userId: 3, email: " Moved@Elsewhere.org " });
      });
    };
    return new ResultAsync(interfere().then(() => super.transaction(locks, work)));
  }
}

async function checkInterference(setBasedTwin: SqlTwin, userByUserTwin: SqlTwin) {
  const world: World = {
    domains: [
      { id: 1, name: "Domain 1", cms: "drupal", syncCmsEmail: true, dedupeRule: DEFAULT_RULE },
    ],
    contacts: [],
    links: [],
    users: [1, 2, 3, 4].map((userId): CmsUser => ({ domainId: 1, userId, email: "a@x.org" })),
    syncDomain: 1,
    batchSize: 5,
  };
  await seed(setBasedTwin, world);
  await seed(userByUserTwin, world);
  const setBased = new Interfering(setBasedTwin.store);
  const run = okValue(await sync(setBased, { setBased: true, batchSize: 5 }, 1, false));
  const runByUser = okValue(
    await sync(new Interfering(userByUserTwin.store), { setBased: false, batchSize: 5 }, 1, false),
  );
  expect(run).toEqual(runByUser);
  expect(run.failures).toEqual([{ userId: 2, reason: "The user was deleted during the sync." }]);
  expect(run.report).toMatchObject({ checked: 4, created: 3, failed: 1 });
  // The first try found user 3 under a key it did not lock and started again with it locked.
  expect(setBased.transactions.map((locks) => [...(locks.emailKeys ?? [])].sort())).toEqual([
    ["a@x.org"],
    ["a@x.org", "moved@elsewhere.org"],
  ]);
  expect(await everything(setBasedTwin)).toEqual(await everything(userByUserTwin));
  const links = await setBasedTwin.query<{ user_id: unknown; uf_name: string }>(
    "select user_id, uf_name from links order by user_id",
  );
  expect(links.map((link) => [Number(link.user_id), link.uf_name])).toEqual([
    [1, "a@x.org"],
    [3, "Moved@Elsewhere.org"],
    [4, "a@x.org"],
  ]);
}

async function checkFallback(setBasedTwin: SqlTwin, userByUserTwin: SqlTwin) {
  const world: World = {
    domains: [
      { id: 1, name: "Domain 1", cms: "drupal", syncCmsEmail: true, dedupeRule: DEFAULT_RULE },
    ],
    contacts: [],
    links: [],
    users: Array.from(
      { length: 10 },
      (_, index): CmsUser => ({
        domainId: 1,
        userId: index + 1,
        email: `u${index % 4}@x.org`,
        firstName: index === 5 ? "Boom" : `User ${index + 1}`,
      }),
    ),
    syncDomain: 1,
    batchSize: 4,
  };
  const setBased = new RecordingUnitOfWork(setBasedTwin.store);
  for (const twin of [setBasedTwin, userByUserTwin]) {
    await seed(twin, world);
    await twin.exec(BOOM);
  }
  try {
    const run = okValue(await sync(setBased, { setBased: true, batchSize: 4 }, 1, false));
    const runByUser = okValue(
      await sync(userByUserTwin.store, { setBased: false, batchSize: 4 }, 1, false),
    );
    expect(run).toEqual(runByUser);
    expect(run.report).toMatchObject({ checked: 10, created: 9, failed: 1 });
    expect(run.failures).toEqual([{ userId: 6, reason: "The store failed." }]);
    // Batches of users 1-4 and 9-10 set-based; users 5-8 again one by one after their batch failed.
    expect(setBased.transactions.map((locks) => locks.users?.map((user) => user.userId))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [5],
      [6],
      [7],
      [8],
      [9, 10],
    ]);
    expect(await linkedContacts(setBasedTwin)).toEqual(await linkedContacts(userByUserTwin));
  } finally {
    for (const twin of [setBasedTwin, userByUserTwin]) await twin.exec(NO_BOOM);
  }
}

/** More runs for a local hunt: `SYNC_DIFF_RUNS=500 npx vitest run test/contract/sync-differential…`. */
const NUM_RUNS = Number(process.env.SYNC_DIFF_RUNS ?? 30);

export function describeSyncDifferential(storeName: string, makeTwin: MakeTwin) {
  describe(`set-based sync equals ensure-link user by user on ${storeName} (SPEC §9)`, () => {
    let setBased: SqlTwin;
    let userByUser: SqlTwin;
    beforeAll(async () => {
      [setBased, userByUser] = await Promise.all([makeTwin(), makeTwin()]);
    });
    afterAll(async () => {
      await Promise.all([setBased?.close(), userByUser?.close()]);
    });

    it(
      "on random directories and contacts, in batches of 3 to 7 users",
      async () => {
        await fc.assert(
          fc.asyncProperty(world, (drawn) => checkWorld(setBased, userByUser, drawn)),
          { numRuns: NUM_RUNS },
        );
      },
      Math.max(120_000, NUM_RUNS * 3_000),
    );

    it("runs a batch that fails again user by user: the bad user fails with its reason, the others are linked", async () => {
      await checkFallback(setBased, userByUser);
    });

    it("reads the batch's users again under its locks: a deleted one fails, a moved one is locked anew", async () => {
      await checkInterference(setBased, userByUser);
    });
  });
}
