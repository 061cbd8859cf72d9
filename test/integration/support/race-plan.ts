/**
 * The cross-process race on PostgreSQL (test/integration/postgres-race.test.ts): who calls
 * ensure-link for which user with which email, shared by the parent (set-up and expected
 * counts) and every worker process (the calls it fires).
 *
 * Sizes: every call of a worker is fired at once, and a transaction waiting for an advisory
 * lock holds one of the worker's pooled connections, so a call may wait for a connection as
 * long as the calls ahead of it (and the hot email keys) take; past the pool's 5 s acquire
 * timeout it answers StoreUnavailable. On a busy 2-core machine these 610 calls take 2.3-3.5 s;
 * 1,820 calls (800 of them on one email key) made about 70% of them time out, though no
 * invariant broke. Grow the sizes only with that timeout in mind.
 */

export const RACE_WORKERS = 5;
/** Connections per worker; RACE_WORKERS × this stays well under max_connections (100). */
export const WORKER_POOL_SIZE = 10;

/** Domain 1 is drupal; domain 2 is put as wordpress before the race. Both link on login. */
export const SECOND_DOMAIN = 2;

export type RaceGroup =
  | "same"
  | "team"
  | "team-d2"
  | "pair"
  | "pair-d2"
  | "cand"
  | "stale"
  | "stale-owner";

export interface RaceUser {
  group: RaceGroup;
  domainId: number;
  userId: number;
  /** The email of each call, as the CMS sends it (casing and spaces kept). */
  emails: string[];
  firstName?: string;
  /** Calls each worker makes for this user. */
  callsPerWorker: number;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Scenario 23 at scale: new users, each with an email of its own, hit from every worker. */
export const SAME_USERS = range(1001, 20);
export const SAME_CALLS_PER_WORKER = 2;
export const sameEmail = (userId: number) => `Same-${userId}@Race.Test`;

/** Scenario 24: users sharing one email that no contact has, in two domains. */
export const TEAM_USERS = range(2001, 20);
export const TEAM_D2_USERS = range(2001, 8);
export const TEAM_CALLS_PER_WORKER = 1;
export const TEAM_KEY = "team@race.test";
/** Each user keeps its variant; ufName keeps the casing, trimmed. */
const TEAM_VARIANTS = ["team@race.test", "TEAM@Race.test", " Team@Race.Test "];
export const teamEmail = (userId: number) => TEAM_VARIANTS[userId % TEAM_VARIANTS.length]!;

/**
 * Contacts are shared by all domains, so the email lock holds across domains (§3 step 6):
 * each pair email is new and has one user in domain 1 and one in domain 2. One after the other,
 * the first creates the contact and the second links to it, so one contact per pair.
 */
export const PAIR_USERS = range(5001, 16);
export const PAIR_CALLS_PER_WORKER = 1;
export const PAIR_KEY = (userId: number) => `pair-${userId}@race.test`;
const pairEmail = (userId: number, domainId: number) =>
  domainId === 1 ? `Pair-${userId}@Race.test` : PAIR_KEY(userId);

/**
 * Scenario 9 (and 4/5's ranking) at scale: candidate contacts seeded by the parent, the first
 * of them in rank order linked to CAND_PRELINKED_USERS before the race.
 */
export const CAND_KEY = "cand@race.test";
export const CAND_CANDIDATES = 10;
export const CAND_PRELINKED_USERS = range(3001, 3);
export const CAND_USERS = range(3101, 12);
export const CAND_CALLS_PER_WORKER = 1;

/**
 * Scenario 11: the stale owner's link keeps ufName STALE_KEY after the owner moved to
 * MOVED_EMAIL; unlinked users with STALE_KEY race, and the owner keeps switching emails.
 */
export const STALE_KEY = "stale@race.test";
export const MOVED_EMAIL = "moved@race.test";
export const STALE_OWNER = 4001;
export const STALE_USERS = range(4101, 4);
export const STALE_CALLS_PER_WORKER = 2;
export const STALE_OWNER_CALLS_PER_WORKER = 2;

export const RACE_USERS: RaceUser[] = [
  ...SAME_USERS.map((userId) => ({
    group: "same" as const,
    domainId: 1,
    userId,
    emails: [sameEmail(userId)],
    firstName: "Same",
    callsPerWorker: SAME_CALLS_PER_WORKER,
  })),
  ...TEAM_USERS.map((userId) => ({
    group: "team" as const,
    domainId: 1,
    userId,
    emails: [teamEmail(userId)],
    callsPerWorker: TEAM_CALLS_PER_WORKER,
  })),
  ...TEAM_D2_USERS.map((userId) => ({
    group: "team-d2" as const,
    domainId: SECOND_DOMAIN,
    userId,
    emails: [teamEmail(userId)],
    callsPerWorker: TEAM_CALLS_PER_WORKER,
  })),
  ...[1, SECOND_DOMAIN].flatMap((domainId) =>
    PAIR_USERS.map((userId) => ({
      group: domainId === 1 ? ("pair" as const) : ("pair-d2" as const),
      domainId,
      userId,
      emails: [pairEmail(userId, domainId)],
      callsPerWorker: PAIR_CALLS_PER_WORKER,
    })),
  ),
  ...CAND_USERS.map((userId) => ({
    group: "cand" as const,
    domainId: 1,
    userId,
    emails: [userId % 2 === 0 ? "Cand@Race.test" : CAND_KEY],
    callsPerWorker: CAND_CALLS_PER_WORKER,
  })),
  ...STALE_USERS.map((userId) => ({
    group: "stale" as const,
    domainId: 1,
    userId,
    emails: [STALE_KEY],
    callsPerWorker: STALE_CALLS_PER_WORKER,
  })),
  {
    group: "stale-owner",
    domainId: 1,
    userId: STALE_OWNER,
    emails: [STALE_KEY, MOVED_EMAIL],
    callsPerWorker: STALE_OWNER_CALLS_PER_WORKER,
  },
];

export type RaceTrigger = "login" | "registration";

export interface RaceCall {
  group: RaceGroup;
  domainId: number;
  userId: number;
  email: string;
  firstName?: string;
  trigger: RaceTrigger;
}

/** A small deterministic generator (mulberry32), so that a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The calls one worker fires, all at once, in an order of its own. */
export function callsOfWorker(worker: number, seed: number): RaceCall[] {
  const next = random(seed * 1000 + worker);
  const calls: RaceCall[] = [];
  for (const user of RACE_USERS) {
    for (let call = 0; call < user.callsPerWorker; call++) {
      calls.push({
        group: user.group,
        domainId: user.domainId,
        userId: user.userId,
        email: user.emails[(worker + call) % user.emails.length]!,
        ...(user.firstName ? { firstName: user.firstName } : {}),
        trigger: next() < 0.5 ? "login" : "registration",
      });
    }
  }
  for (let i = calls.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [calls[i], calls[j]] = [calls[j]!, calls[i]!];
  }
  return calls;
}

/** One call's answer as a worker reports it. */
export interface RaceResult {
  group: RaceGroup;
  domainId: number;
  userId: number;
  trigger: RaceTrigger;
  outcome: string | null;
  contactId: number | null;
  ufName: string | null;
  error: { kind: string; message: string } | null;
  /** From the start signal to the answer. */
  millis: number;
}

/** What a worker prints as its last stdout line. */
export interface WorkerSummary {
  worker: number;
  calls: number;
  millis: number;
  outcomes: Record<string, number>;
  errors: Record<string, number>;
  results: RaceResult[];
}

export const READY_LINE = "ready";
export const GO_LINE = "go";
