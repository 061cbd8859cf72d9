import fc from "fast-check";
import {
  CMS_KINDS,
  type CmsKind,
  type ContactDefinition,
  type DomainDefinition,
  type DomainId,
  INTERACTION_KINDS,
  type InteractionKind,
  type UserId,
  type UserProfile,
} from "../../../src/index.js";

/**
 * The model of the invariant property test: a random world (two domains, a few contacts) and
 * random steps of events over a small pool of users and email addresses, so that the events
 * collide on users, contacts and email keys as often as possible.
 */

export const DOMAIN_IDS: readonly DomainId[] = [1, 2];
export const USER_IDS: readonly UserId[] = [1, 2, 3, 4, 5, 6];
/** Contact ids the events aim at: the ones created up front, those created later, and unknown ones. */
export const MAX_CONTACT_ID = 8;

/** The shared addresses; variants differ only in casing and surrounding whitespace. */
export const EMAIL_POOL = ["ann@x.org", "bob@y.org", "cy@x.org", "dee@z.org"] as const;

/** Not addresses at all (§2): empty, blank, or malformed. */
export const BAD_EMAILS = [
  "",
  "   ",
  "\t",
  "not-an-email",
  "ann@x.org@y.org",
  "ann @x.org",
  "@x.org",
];

export type UserEventKind = "registration" | "login" | "interaction" | "profile-update";

export interface UserRef {
  domainId: DomainId;
  userId: UserId;
}

export type CivilinkEvent =
  | (UserRef & {
      type: "user-event";
      kind: UserEventKind;
      profile: UserProfile;
      interaction: InteractionKind;
    })
  | (UserRef & { type: "user-deletion" })
  | { type: "contact-email-change"; contactId: number; email: string }
  | { type: "trash-attempt"; contactId: number }
  | {
      type: "anonymous-interaction";
      domainId: DomainId;
      interaction: InteractionKind;
      email: string;
      firstName?: string;
      lastName?: string;
    }
  | { type: "sync"; domainId: DomainId };

/**
 * A contact an event aims at: by id, or (more likely to collide) whichever contact the user is
 * linked to when the step starts, or the id `otherwise` if it is not linked.
 */
export type ContactRef = { contactId: number } | { contactOf: UserRef; otherwise: number };

type ContactEvent = Extract<CivilinkEvent, { contactId: number }>;

/** An event as generated: a contact event names its contact by reference. */
export type PlannedEvent =
  | Exclude<CivilinkEvent, ContactEvent>
  | (Omit<ContactEvent, "contactId"> & { contact: ContactRef });

/** The event to fire, once the step's starting links tell which contact a reference means. */
export function resolveEvent(
  planned: PlannedEvent,
  linkedContactOf: (user: UserRef) => number | undefined,
): CivilinkEvent {
  if (!("contact" in planned)) return planned;
  const { contact, ...event } = planned;
  const contactId =
    "contactId" in contact
      ? contact.contactId
      : (linkedContactOf(contact.contactOf) ?? contact.otherwise);
  return { ...event, contactId } as CivilinkEvent;
}

/**
 * One step of a run: its events are fired together (`Promise.all`), event i after `ticks[i]`
 * microtask ticks so that they interleave at varying points, and the store is checked once
 * they all answered. A dry-run step runs a dry sync, then at once the real one.
 */
export type Step =
  | { type: "events"; events: PlannedEvent[]; ticks: number[] }
  | { type: "dry-run-sync"; domainId: DomainId };

export interface DomainSetup {
  domainId: DomainId;
  definition: DomainDefinition & { cms: CmsKind };
}

export interface ContactSetup {
  definition: ContactDefinition;
  trashed: boolean;
}

export interface Scenario {
  domains: DomainSetup[];
  contacts: ContactSetup[];
  steps: Step[];
}

// --- emails and profiles -------------------------------------------------------------------

type Casing = "lower" | "upper" | "capitalised" | "alternating";

function recase(address: string, casing: Casing): string {
  switch (casing) {
    case "lower":
      return address;
    case "upper":
      return address.toUpperCase();
    case "capitalised":
      return address.charAt(0).toUpperCase() + address.slice(1);
    case "alternating":
      return [...address].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join("");
  }
}

const spellingArb = fc.record({
  casing: fc.constantFrom<Casing>("lower", "lower", "upper", "capitalised", "alternating"),
  before: fc.constantFrom("", "", " ", "  ", "\t", " \n"),
  after: fc.constantFrom("", "", " ", "\t"),
});

type Spelling = { casing: Casing; before: string; after: string };

const spell = (address: string, { casing, before, after }: Spelling) =>
  `${before}${recase(address, casing)}${after}`;

/** One of the pool's addresses, in some casing, maybe with whitespace around it. */
export const emailVariantArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...EMAIL_POOL), spellingArb)
  .map(([address, spelling]) => spell(address, spelling));

const badEmailArb = fc.constantFrom(...BAD_EMAILS);

/** A profile's email: mostly a pool address, sometimes invalid, sometimes absent. */
const profileEmailArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: emailVariantArb },
  { weight: 2, arbitrary: badEmailArb },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const firstNameArb = fc.constantFrom("Ann", "Bob", " ann ", "Cy");
const lastNameArb = fc.constantFrom("Lee", "Ng", "LEE");
const joomlaNameArb = fc.constantFrom("Lee, Ann Marie", "Bob Ng", "Cher", "  ");

/** `T` as `withoutUndefined` leaves it: a field that may be undefined is optional instead. */
type WithoutUndefined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

function withoutUndefined<T extends object>(value: T): WithoutUndefined<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as WithoutUndefined<T>;
}

export const profileArb: fc.Arbitrary<UserProfile> = fc
  .record({
    email: profileEmailArb,
    firstName: maybe(firstNameArb),
    lastName: maybe(lastNameArb),
    name: maybe(joomlaNameArb),
  })
  .map(withoutUndefined);

// --- the world set up before the steps ----------------------------------------------------

const NAME_RULES = [
  { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 },
  { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 10 },
];

const domainSetupArb = (domainId: DomainId): fc.Arbitrary<DomainSetup> =>
  fc
    .record({
      cms: fc.constantFrom(...CMS_KINDS),
      syncCmsEmail: fc.constantFrom(true, true, false),
      dedupeRule: fc.option(fc.constantFrom(...NAME_RULES), { nil: undefined, freq: 3 }),
    })
    .map((definition) => ({ domainId, definition: withoutUndefined(definition) }));

const contactSetupArb: fc.Arbitrary<ContactSetup> = fc
  .record({
    contactType: fc.constantFrom("Individual", "Individual", "Individual", "Organization"),
    firstName: maybe(firstNameArb),
    lastName: maybe(lastNameArb),
    emails: fc.uniqueArray(fc.tuple(fc.constantFrom(...EMAIL_POOL), spellingArb), {
      maxLength: 2,
      selector: ([address]) => address,
    }),
    /** Which email is marked primary; none marked makes the first one primary. */
    primary: fc.constantFrom<0 | 1 | null>(0, 1, null),
    trashed: fc.boolean(),
  })
  .map(({ emails, primary, trashed, ...names }) => ({
    trashed,
    definition: withoutUndefined({
      ...names,
      emails: emails.map(([address, spelling], index) => ({
        email: spell(address, spelling),
        isPrimary: primary === index,
      })),
    }),
  }));

// --- events and steps -----------------------------------------------------------------------

export const userRefArb: fc.Arbitrary<UserRef> = fc.record({
  domainId: fc.constantFrom(...DOMAIN_IDS),
  userId: fc.constantFrom(...USER_IDS),
});

const userEventKindArb = fc.constantFrom<UserEventKind>(
  "registration",
  "login",
  "interaction",
  "profile-update",
);
const interactionArb = fc.constantFrom(...INTERACTION_KINDS);
const contactIdArb = fc.integer({ min: 1, max: MAX_CONTACT_ID });

const contactRefArb = (user: fc.Arbitrary<UserRef>): fc.Arbitrary<ContactRef> =>
  fc.oneof(
    contactIdArb.map((contactId) => ({ contactId })),
    fc.record({ contactOf: user, otherwise: contactIdArb }),
  );

const userEventArb = (user: fc.Arbitrary<UserRef>): fc.Arbitrary<PlannedEvent> =>
  fc
    .record({ user, kind: userEventKindArb, profile: profileArb, interaction: interactionArb })
    .map(({ user, ...rest }) => ({ type: "user-event", ...user, ...rest }));

const userDeletionArb = (user: fc.Arbitrary<UserRef>): fc.Arbitrary<PlannedEvent> =>
  user.map((ref) => ({ type: "user-deletion", ...ref }));

const contactEmailChangeArb = (user: fc.Arbitrary<UserRef>): fc.Arbitrary<PlannedEvent> =>
  fc
    .record({ contact: contactRefArb(user), email: emailVariantArb })
    .map((change) => ({ type: "contact-email-change", ...change }));

const trashAttemptArb = (user: fc.Arbitrary<UserRef>): fc.Arbitrary<PlannedEvent> =>
  contactRefArb(user).map((contact) => ({ type: "trash-attempt", contact }));

const anonymousInteractionArb: fc.Arbitrary<PlannedEvent> = fc
  .record({
    domainId: fc.constantFrom(...DOMAIN_IDS),
    interaction: interactionArb,
    email: fc.oneof({ weight: 4, arbitrary: emailVariantArb }, badEmailArb),
    firstName: maybe(firstNameArb),
    lastName: maybe(lastNameArb),
  })
  .map((visit) => withoutUndefined({ type: "anonymous-interaction" as const, ...visit }));

const syncArb: fc.Arbitrary<PlannedEvent> = fc
  .constantFrom(...DOMAIN_IDS)
  .map((domainId) => ({ type: "sync", domainId }));

export const eventArb: fc.Arbitrary<PlannedEvent> = fc.oneof(
  { weight: 10, arbitrary: userEventArb(userRefArb) },
  { weight: 2, arbitrary: userDeletionArb(userRefArb) },
  { weight: 2, arbitrary: contactEmailChangeArb(userRefArb) },
  { weight: 1, arbitrary: trashAttemptArb(userRefArb) },
  { weight: 2, arbitrary: anonymousInteractionArb },
  { weight: 1, arbitrary: syncArb },
);

/** Events about one user, or about the contact it is linked to, or anything else. */
const eventAroundArb = (user: UserRef): fc.Arbitrary<PlannedEvent> =>
  fc.oneof(
    { weight: 6, arbitrary: userEventArb(fc.constant(user)) },
    { weight: 3, arbitrary: userDeletionArb(fc.constant(user)) },
    { weight: 3, arbitrary: contactEmailChangeArb(fc.constant(user)) },
    { weight: 1, arbitrary: trashAttemptArb(fc.constant(user)) },
    { weight: 2, arbitrary: eventArb },
  );

/** Up to this many microtask ticks between the start of a batch and the firing of an event. */
export const MAX_TICKS = 60;

/** Mostly small offsets, where one transaction's awaits interleave with another's. */
const ticksArb = fc.oneof(fc.constant(0), fc.nat(12), fc.nat(MAX_TICKS));

const eventsStep = (events: fc.Arbitrary<PlannedEvent[]>): fc.Arbitrary<Step> =>
  events.chain((list) =>
    fc
      .array(ticksArb, { minLength: list.length, maxLength: list.length })
      .map((ticks): Step => ({ type: "events", events: list, ticks })),
  );

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: eventsStep(eventArb.map((event) => [event])) },
  // Unrelated events at once: serialisation across users, contacts and email keys.
  { weight: 3, arbitrary: eventsStep(fc.array(eventArb, { minLength: 2, maxLength: 5 })) },
  // One user and its contact hammered at once: serialisation per user and per contact.
  {
    weight: 3,
    arbitrary: eventsStep(
      userRefArb.chain((user) => fc.array(eventAroundArb(user), { minLength: 2, maxLength: 5 })),
    ),
  },
  // The CRM edits a user's contact while that user's CMS acts: §7 against the user's events.
  {
    weight: 2,
    arbitrary: eventsStep(
      userRefArb.chain((user) =>
        fc
          .tuple(
            contactEmailChangeArb(fc.constant(user)),
            fc.array(eventAroundArb(user), { minLength: 1, maxLength: 3 }),
          )
          .map(([change, others]) => [change, ...others]),
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...DOMAIN_IDS)
      .map((domainId): Step => ({ type: "dry-run-sync", domainId })),
  },
);

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  domains: fc.tuple(domainSetupArb(1), domainSetupArb(2)),
  contacts: fc.array(contactSetupArb, { minLength: 1, maxLength: 6 }),
  steps: fc.array(stepArb, { minLength: 8, maxLength: 40, size: "large" }),
});
