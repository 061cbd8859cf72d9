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
  MemoryStore,
  type NewContact,
  type StoreError,
  type Stores,
  SynchronizeAllUsers,
  type UndecidedBatch,
  type UnitOfWork,
  type Work,
} from "../../src/index.js";
import { aLink, T0 } from "../support/builders.js";
import { okValue } from "../support/results.js";
import { read, write } from "./ports/support.js";
import type { MakeTwin as MakeSqlTwin, SqlTwin } from "./support/sql-twin.js";

/**
 * §9: "The result must equal running ensure-link user by user, even though a SQL store
 * does it set-based." Random worlds (domains of every CMS with random dedupe rules, contacts
 * sharing a few addresses, trashed ones, Organizations and Households, links in this and
 * other domains, directory users with addresses in any casing and padding, Unicode
 * whitespace and letters, invalid and missing ones, names and Joomla's single name) are built
 * twice from one seed. One twin is synchronised in small batches, so that batch boundaries fall
 * everywhere, decided by the store where it can (SQL); the other in batches of one user, each
 * its own transaction, decided by `ensureLinks`, the reference. Dry runs, runs and re-runs must
 * answer the same and leave the same contacts (ids and every field), links, directory and audit
 * log behind.
 */

const T1 = new Date("2024-05-06T07:08:09.010Z");
const clock: Clock = { now: () => T1 };

const KEYS = ["a@x.org", "b@x.org", "cc@y.org", "d@y.org", "zoë@ünï.org"];
const OTHER_KEYS = ["z@z.org"];
const USER_IDS = { min: 1, max: 40 };
const DOMAIN_IDS = [1, 2, 3] as const;

const padding = fc.constantFrom("", "", " ", "  ", "\t", "\u00a0", "\u2003", "\u3000");
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
  "\u00a0Ann\u2003",
  "ZOË",
  " zoë\u3000",
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

/** The default rule often (the store decides its batches), else any: names may decide, or none reach. */
const dedupeRule: fc.Arbitrary<DedupeRule> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(DEFAULT_RULE) },
  {
    weight: 3,
    arbitrary: fc.record({
      weights: fc.record({
        email: fc.constantFrom(0, 10),
        firstName: fc.constantFrom(0, 5),
        lastName: fc.constantFrom(0, 5),
      }),
      threshold: fc.constantFrom(0, 10, 10, 15, 20),
    }),
  },
);

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
    // Links respect §1: one per user and one per contact in each domain.
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
async function seed(twin: Twin, world: World): Promise<void> {
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

/** What the store answered to a batch it was asked to decide, under which locks. */
export interface StoreCall {
  locks: LockKeys;
  answer: "decided" | UndecidedBatch | "failed";
}

/**
 * A unit of work that records the locks of every transaction it runs and every batch it asks
 * the store to decide, with the store's answer, dry runs' too.
 */
export class RecordingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    readonly transactions: LockKeys[] = [],
    readonly storeCalls: StoreCall[] = [],
  ) {}

  /** The locks of every batch tried: in the store when it decides batches, else in transactions. */
  get attempts(): LockKeys[] {
    return this.storeCalls.length > 0
      ? this.storeCalls.map((call) => call.locks)
      : this.transactions;
  }

  /** Runs before every batch is tried, in a transaction or by the store. */
  protected async beforeAttempt(): Promise<void> {}

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    this.transactions.push(locks);
    return new ResultAsync(this.beforeAttempt().then(() => this.inner.transaction(locks, work)));
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.inner.read((stores) => work(this.recording(stores)));
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.inner.discarding((uow) =>
      work(new RecordingUnitOfWork(uow, this.transactions, this.storeCalls)),
    );
  }

  private recording(stores: Stores): Stores {
    const { decided } = stores;
    if (!decided) return stores;
    return {
      ...stores,
      decided: {
        linkListed: async (locks, ...rest) => {
          const call: StoreCall = { locks, answer: "failed" };
          this.storeCalls.push(call);
          await this.beforeAttempt();
          const decision = await decided.linkListed(locks, ...rest);
          call.answer = decision.kind === "decided" ? "decided" : decision.reason;
          return decision;
        },
      },
    };
  }
}

/** A store the differential can empty, read whole and make refuse a contact named Boom. */
export interface Twin {
  readonly store: UnitOfWork;
  /** Empties every table (domains included) and restarts the contact ids. */
  reset(): Promise<void>;
  /** Every row the sync could touch, contacts by id (so both twins must agree on ids). */
  everything(): Promise<unknown>;
  /** While on, writing a contact whose first name is Boom fails. */
  refuseBoom(on: boolean): Promise<void>;
  /**
   * SQL only: the next link written for this user fails once as a write that lost a race to a
   * concurrent writer (a unique violation); null takes that back.
   */
  loseRaceOnce?(userId: number | null): Promise<void>;
  close(): Promise<void>;
}

export type MakeTwin = () => Promise<Twin>;

/**
 * Every row the sync could touch, read straight from the tables: contacts by id (gaps
 * included: a dry run draws ids it then throws away), their emails, links, the directory and
 * the audit log with its sequence numbers.
 */
async function everythingIn(twin: SqlTwin) {
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

const BOOM = `
  create or replace function refuse_boom() returns trigger language plpgsql as $$
  begin raise exception 'no Boom here'; end $$;
  create trigger refuse_boom before insert on contacts
    for each row when (new.first_name = 'Boom') execute function refuse_boom();`;

const NO_BOOM =
  "drop trigger if exists refuse_boom on contacts; drop function if exists refuse_boom();";

/** A sequence, not a table, counts the tries: a rollback takes back no value it gave. */
const LOSE_RACE_ONCE = (userId: number) => `
  create sequence lose_race_once;
  create function lose_race_once() returns trigger language plpgsql as $$
  begin
    if nextval('lose_race_once') = 1 then
      raise exception 'lost a race' using errcode = 'unique_violation';
    end if;
    return new;
  end $$;
  create trigger lose_race_once before insert on links
    for each row when (new.user_id = ${userId}) execute function lose_race_once();`;

const RACE_NO_MORE = `
  drop trigger if exists lose_race_once on links; drop function if exists lose_race_once();
  drop sequence if exists lose_race_once;`;

/** A SQL twin, read through SQL, refusing Boom and losing races with triggers. */
export const sqlTwin =
  (makeSqlTwin: MakeSqlTwin): MakeTwin =>
  async () => {
    const twin = await makeSqlTwin();
    return {
      store: twin.store,
      reset: () => twin.reset(),
      everything: () => everythingIn(twin),
      refuseBoom: (on) => twin.exec(on ? BOOM : NO_BOOM),
      loseRaceOnce: (userId) => twin.exec(userId === null ? RACE_NO_MORE : LOSE_RACE_ONCE(userId)),
      close: () => twin.close(),
    };
  };

/** Every domain, contact, link, directory entry and audit entry, read through the ports. */
async function everythingThrough(uow: UnitOfWork) {
  return read(uow, async (stores) => {
    const domains = await stores.domains.list();
    const perDomain = async <T>(list: (domainId: DomainId) => Promise<{ items: T[] }>) =>
      Promise.all(domains.map(async (domain) => (await list(domain.id)).items));
    const all = { limit: 1000 };
    return {
      domains,
      contacts: (await stores.contacts.findByName("", { includeDeleted: true }, all)).items,
      links: await perDomain((id) => stores.links.list(id, {}, all)),
      users: await perDomain((id) => stores.users.list(id, all)),
      audit: await perDomain((id) => stores.audit.list(id, {}, all)),
    };
  });
}

/**
 * A unit of work on a memory store, replaced by an empty one at every reset, whose batch
 * writes refuse Boom when asked (as the SQL twins' trigger does).
 */
class MemoryTwin implements Twin, UnitOfWork {
  private inner = MemoryStore.create();
  private refusing = false;

  get store(): UnitOfWork {
    return this;
  }

  async reset() {
    this.inner = MemoryStore.create();
  }

  everything() {
    return everythingThrough(this.inner);
  }

  async refuseBoom(on: boolean) {
    this.refusing = on;
  }

  async close() {
    await this.inner.close();
  }

  transaction<T, E>(locks: LockKeys, work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.inner.transaction(locks, (stores) => work(this.refusingBoom(stores)));
  }

  read<T, E>(work: Work<T, E>): ResultAsync<T, E | StoreError> {
    return this.inner.read((stores) => work(this.refusingBoom(stores)));
  }

  discarding<T, E>(
    work: (uow: UnitOfWork) => Promise<Result<T, E>>,
  ): ResultAsync<T, E | StoreError> {
    return this.inner.discarding(work);
  }

  private refusingBoom(stores: Stores): Stores {
    if (!this.refusing) return stores;
    const { bulk } = stores;
    return {
      ...stores,
      bulk: {
        usersWithLinks: (...args) => bulk.usersWithLinks(...args),
        candidatesByEmailKeys: (...args) => bulk.candidatesByEmailKeys(...args),
        reserveContactIds: (count) => bulk.reserveContactIds(count),
        write: async (writes) => {
          if (writes.contacts.some((contact) => contact.firstName === "Boom")) {
            throw new Error("no Boom here");
          }
          return bulk.write(writes);
        },
      },
    };
  }
}

export const memoryTwin: MakeTwin = async () => new MemoryTwin();

/** A sync in batches, decided by the store where it can, or by `ensureLinks` alone (`reference`). */
const sync = (
  uow: UnitOfWork,
  batchSize: number,
  domainId: DomainId,
  dryRun: boolean,
  reference = batchSize === 1,
) =>
  new SynchronizeAllUsers(uow, clock, { batchSize, decideInStore: !reference }).execute({
    domainId,
    dryRun,
  });

/** How often the store answered each way, over all the worlds of one store's property run. */
type Tally = Map<StoreCall["answer"], number>;

function tallyOf(tally: Tally, calls: readonly StoreCall[]) {
  for (const { answer } of calls) tally.set(answer, (tally.get(answer) ?? 0) + 1);
}

/** Checks one world; throws on the first difference. */
async function checkWorld(batchedTwin: Twin, singleTwin: Twin, world: World, tally: Tally) {
  await seed(batchedTwin, world);
  await seed(singleTwin, world);
  const batched = new RecordingUnitOfWork(batchedTwin.store);
  const single = new RecordingUnitOfWork(singleTwin.store);
  const domainId = world.syncDomain;
  const inDomain = world.users.filter((user) => user.domainId === domainId).length;

  const seeded = await batchedTwin.everything();
  const dryRun = okValue(await sync(batched, world.batchSize, domainId, true));
  const dryRunByUser = okValue(await sync(single, 1, domainId, true));
  expect(dryRun).toEqual(dryRunByUser);
  // Writes nothing (the ids it drew from the sequence are gone, as with any rollback).
  expect(withoutSequence(await batchedTwin.everything())).toEqual(withoutSequence(seeded));

  const run = okValue(await sync(batched, world.batchSize, domainId, false));
  const runByUser = okValue(await sync(single, 1, domainId, false));
  expect(run).toEqual(runByUser);
  expect({ ...dryRun, dryRun: false }).toEqual(run);
  expect(run.report.failed).toBe(0);
  expect(await batchedTwin.everything()).toEqual(await singleTwin.everything());

  const rerun = okValue(await sync(batched, world.batchSize, domainId, false));
  expect(rerun).toEqual(okValue(await sync(single, 1, domainId, false)));
  expect(rerun.report).toMatchObject({ matched: 0, created: 0 });
  expect(await batchedTwin.everything()).toEqual(await singleTwin.everything());

  // Batched for real: each batch decided in one store call or one transaction, under all its
  // keys (a batch the store leaves undecided takes both); one transaction per user else.
  const batches = Math.ceil(inDomain / world.batchSize);
  const undecided = batched.storeCalls.filter((call) => call.answer !== "decided");
  expect(batched.attempts).toHaveLength(3 * batches);
  expect(batched.transactions).toHaveLength(
    batched.storeCalls.length === 0 ? 3 * batches : undecided.length,
  );
  expect(undecided.every((call) => call.answer !== "failed")).toBe(true);
  expect(single.storeCalls).toEqual([]);
  expect(single.transactions).toHaveLength(3 * inDomain);
  tallyOf(tally, batched.storeCalls);
  const keyOf = new Map(
    world.users
      .filter((user) => user.domainId === domainId)
      .map((user) => [user.userId, Email.parse(user.email).map((email) => email.key)]),
  );
  for (const locks of [...batched.attempts, ...batched.transactions, ...single.transactions]) {
    expect(locks.users?.length ?? 0).toBeLessThanOrEqual(world.batchSize);
    for (const user of locks.users ?? []) {
      const key = keyOf.get(user.userId);
      expect(user.domainId).toBe(domainId);
      if (key?.isOk()) expect(locks.emailKeys).toContain(key.value);
    }
  }
}

const withoutSequence = (everything: unknown) => ({
  ...(everything as object),
  sequence: null,
});

/** What each user's link points at, whatever ids the contacts got. */
function linkedContacts(twin: Twin) {
  return read(twin.store, async (stores) => {
    const { items } = await stores.links.list(1, {}, { limit: 1000 });
    return Promise.all(
      items.map(async ({ userId, ufName, contactId }) => {
        const contact = await stores.contacts.findById(contactId);
        return {
          userId,
          ufName,
          firstName: contact?.firstName,
          displayName: contact?.displayName,
          emails: contact?.emails,
        };
      }),
    );
  });
}

const individual = (emails: string[], names: { firstName?: string; lastName?: string } = {}) => ({
  contact: {
    contactType: "Individual" as ContactType,
    ...names,
    displayName: [names.firstName, names.lastName].filter(Boolean).join(" ") || (emails[0] ?? ""),
    emails: emails.map((email, index) => ({ email, isPrimary: index === 0, locationType: "Home" })),
  },
  trashed: false,
});

/**
 * One world for every branch: in batches of 4, the first user of a@x.org takes its primary
 * match, the second the non-primary one, the third a new contact, then an invalid email; a
 * trashed and an Organization match that are no candidates, a non-ASCII key matching a contact
 * linked in another domain only, a user already linked, one without email; then a contact of
 * two keys of one batch (the store leaves that batch to ensureLinks) and names padded with
 * Unicode whitespace. The same directory in all three domains: the default rule in domain 1,
 * names deciding in domain 2, no contact reaching the threshold in domain 3.
 */
const EVERY_BRANCH: World = {
  domains: [
    { id: 1, name: "Default rule", cms: "drupal", syncCmsEmail: true, dedupeRule: DEFAULT_RULE },
    {
      id: 2,
      name: "Names decide",
      cms: "joomla",
      syncCmsEmail: true,
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 0 }, threshold: 15 },
    },
    {
      id: 3,
      name: "None reach",
      cms: "wordpress",
      syncCmsEmail: false,
      dedupeRule: { weights: { email: 0, firstName: 0, lastName: 5 }, threshold: 10 },
    },
  ],
  contacts: [
    individual(["b@x.org", "a@x.org"], { firstName: "Ann" }),
    individual(["a@x.org"], { firstName: "Ann" }),
    { ...individual(["b@x.org"]), trashed: true },
    {
      contact: { ...individual(["b@x.org"]).contact, contactType: "Organization" },
      trashed: false,
    },
    individual(["cc@y.org", "d@y.org"]),
    individual(["zoë@ünï.org"], { lastName: "Zoë" }),
    individual(["a@x.org"]),
  ],
  links: [
    ...DOMAIN_IDS.map((domainId) => ({ domainId, userId: 7, contact: 6, ufName: "a@x.org" })),
    { domainId: 2, userId: 30, contact: 5, ufName: "zoë@ünï.org" },
    { domainId: 3, userId: 30, contact: 5, ufName: "zoë@ünï.org" },
  ],
  users: DOMAIN_IDS.flatMap((domainId) =>
    (
      [
        { email: "A@x.org ", firstName: "ann" },
        { email: "\u00a0a@X.org", name: "Ann Hara" },
        { email: "a@x.org", firstName: "\u2003Ann\u00a0" },
        { email: "not-an-email" },
        { email: "b@x.org" },
        { email: "ZOË@ÜNÏ.org\u3000", lastName: "ZOË" },
        { email: "a@x.org" },
        {},
        { email: "cc@y.org" },
        { email: "d@y.org" },
        { email: "e@y.org", firstName: "\u3000Zoë", lastName: "O'Hara\u2003" },
        { email: " e@y.org", name: "Hara, Zoë" },
      ] satisfies Omit<CmsUser, "domainId" | "userId">[]
    ).map((profile, index): CmsUser => ({ domainId, userId: index + 1, ...profile })),
  ),
  syncDomain: 1,
  batchSize: 4,
};

/** A world of domain 1 alone (Drupal, the default rule), with no contacts or links yet. */
const domainOneWorld = (users: CmsUser[], batchSize: number): World => ({
  domains: [
    { id: 1, name: "Domain 1", cms: "drupal", syncCmsEmail: true, dedupeRule: DEFAULT_RULE },
  ],
  contacts: [],
  links: [],
  users,
  syncDomain: 1,
  batchSize,
});

/**
 * A unit of work on which, just before the first batch is tried, another client deletes user 2
 * and moves user 3 to an address of a key nobody locked yet.
 */
class Interfering extends RecordingUnitOfWork {
  private interfered = false;

  constructor(private readonly store: UnitOfWork) {
    super(store);
  }

  protected override async beforeAttempt(): Promise<void> {
    if (this.interfered) return;
    this.interfered = true;
    await write(this.store, async (stores) => {
      await stores.users.remove(1, 2);
      await stores.users.put({ domainId: 1, userId: 3, email: " Moved@Elsewhere.org " });
    });
  }
}

async function checkInterference(batchedTwin: Twin, singleTwin: Twin, decidesInStore: boolean) {
  const world = domainOneWorld(
    [1, 2, 3, 4].map((userId): CmsUser => ({ domainId: 1, userId, email: "a@x.org" })),
    5,
  );
  await seed(batchedTwin, world);
  await seed(singleTwin, world);
  const batched = new Interfering(batchedTwin.store);
  const run = okValue(await sync(batched, 5, 1, false));
  const runByUser = okValue(await sync(new Interfering(singleTwin.store), 1, 1, false));
  expect(run).toEqual(runByUser);
  expect(run.failures).toEqual([{ userId: 2, reason: "The user was deleted during the sync." }]);
  expect(run.report).toMatchObject({ checked: 4, created: 3, failed: 1 });
  // The store found the batch changed and left it; the first transaction found user 3 under
  // a key it did not lock and started again with it locked.
  expect(batched.storeCalls.map((call) => call.answer)).toEqual(
    decidesInStore ? ["users-changed"] : [],
  );
  expect(batched.transactions.map((locks) => [...(locks.emailKeys ?? [])].sort())).toEqual([
    ["a@x.org"],
    ["a@x.org", "moved@elsewhere.org"],
  ]);
  expect(await batchedTwin.everything()).toEqual(await singleTwin.everything());
  const links = await read(batchedTwin.store, (stores) => stores.links.list(1, {}, { limit: 9 }));
  expect(links.items.map((link) => [link.userId, link.ufName])).toEqual([
    [1, "a@x.org"],
    [3, "Moved@Elsewhere.org"],
    [4, "a@x.org"],
  ]);
}

async function checkFallback(batchedTwin: Twin, singleTwin: Twin) {
  const world = domainOneWorld(
    Array.from(
      { length: 10 },
      (_, index): CmsUser => ({
        domainId: 1,
        userId: index + 1,
        email: `u${index % 4}@x.org`,
        firstName: index === 5 ? "Boom" : `User ${index + 1}`,
      }),
    ),
    4,
  );
  const batched = new RecordingUnitOfWork(batchedTwin.store);
  for (const twin of [batchedTwin, singleTwin]) {
    await seed(twin, world);
    await twin.refuseBoom(true);
  }
  try {
    const run = okValue(await sync(batched, 4, 1, false));
    const runByUser = okValue(await sync(singleTwin.store, 1, 1, false));
    expect(run).toEqual(runByUser);
    expect(run.report).toMatchObject({ checked: 10, created: 9, failed: 1 });
    expect(run.failures).toEqual([{ userId: 6, reason: "The store failed." }]);
    // Batches of users 1-4 and 9-10 whole; users 5-8 again one by one after their batch failed.
    expect(batched.attempts.map((locks) => locks.users?.map((user) => user.userId))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [5],
      [6],
      [7],
      [8],
      [9, 10],
    ]);
    expect(await linkedContacts(batchedTwin)).toEqual(await linkedContacts(singleTwin));
  } finally {
    for (const twin of [batchedTwin, singleTwin]) await twin.refuseBoom(false);
  }
}

/**
 * A batch whose write loses a race in the store: the store writes nothing of it and answers
 * so, and ensureLinks decides the batch in a transaction, as it would have.
 */
async function checkLostRace(batchedTwin: Twin, singleTwin: Twin) {
  const world = domainOneWorld(
    [1, 2, 3, 4].map((userId): CmsUser => ({ domainId: 1, userId, email: `u${userId}@x.org` })),
    4,
  );
  await seed(batchedTwin, world);
  await seed(singleTwin, world);
  await batchedTwin.loseRaceOnce?.(3);
  try {
    const batched = new RecordingUnitOfWork(batchedTwin.store);
    const run = okValue(await sync(batched, 4, 1, false));
    expect(run).toEqual(okValue(await sync(singleTwin.store, 1, 1, false)));
    expect(batched.storeCalls.map((call) => call.answer)).toEqual(["lost-race"]);
    expect(batched.transactions).toHaveLength(1);
    // The ids the store drew before it lost are skipped, as after any rollback.
    expect(await linkedContacts(batchedTwin)).toEqual(await linkedContacts(singleTwin));
  } finally {
    await batchedTwin.loseRaceOnce?.(null);
  }
}

/** More runs for a local hunt: `SYNC_DIFF_RUNS=500 npx vitest run test/contract/sync-differential…`. */
const NUM_RUNS = Number(process.env.SYNC_DIFF_RUNS ?? 30);

export function describeSyncDifferential(
  storeName: string,
  makeTwin: MakeTwin,
  decidesInStore: boolean,
) {
  describe(`a sync in batches equals ensure-link user by user on ${storeName} (§9)`, () => {
    let batched: Twin;
    let single: Twin;
    beforeAll(async () => {
      [batched, single] = await Promise.all([makeTwin(), makeTwin()]);
    });
    afterAll(async () => {
      await Promise.all([batched?.close(), single?.close()]);
    });

    it(
      "on random directories and contacts, in batches of 3 to 7 users against batches of one",
      async () => {
        const tally: Tally = new Map();
        await fc.assert(
          fc.asyncProperty(world, (drawn) => checkWorld(batched, single, drawn, tally)),
          { numRuns: NUM_RUNS },
        );
        if (!decidesInStore) expect(tally).toEqual(new Map());
      },
      Math.max(120_000, NUM_RUNS * 3_000),
    );

    it("reaches every branch of the store's decision and every guard that leaves a batch to ensureLinks", async () => {
      const tally: Tally = new Map();
      for (const syncDomain of DOMAIN_IDS) {
        await checkWorld(batched, single, { ...EVERY_BRANCH, syncDomain }, tally);
      }
      const answers = decidesInStore ? ["decided", "names-decide", "shared-candidate"] : [];
      expect([...tally.keys()].sort()).toEqual(answers);
    });

    it("runs a batch that fails again user by user: the bad user fails with its reason, the others are linked", async () => {
      await checkFallback(batched, single);
    });

    it("reads the batch's users again under its locks: a deleted one fails, a moved one is locked anew", async () => {
      await checkInterference(batched, single, decidesInStore);
    });

    if (decidesInStore) {
      it("leaves a batch whose write lost a race to ensureLinks, having written none of it", async () => {
        await checkLostRace(batched, single);
      });
    }
  });
}
