/**
 * §3 step 6 across processes: RACE_WORKERS Node processes, each with a civilink and a
 * connection pool of its own on one PostgreSQL schema, fire hundreds of concurrent logins and
 * registrations at once (scenarios 9, 11, 23 and 24 at scale, and pairs of users of two
 * domains sharing a new email). Only the advisory locks and the store's constraints stand
 * between them, so that any duplicate link, orphan or surplus contact, or error shows here.
 * The order of each worker's calls comes from a seed, printed in the suite's name; set
 * RACE_SEED to replay one.
 */
import { randomBytes } from "node:crypto";
import knex, { type Knex } from "knex";
import type { ResultAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Civilink, createCivilink } from "../../src/index.js";
import { postgresTestStore, shouldRun, TEST_DATABASE_URL } from "../support/test-stores.js";
import {
  CAND_CANDIDATES,
  CAND_KEY,
  CAND_PRELINKED_USERS,
  CAND_USERS,
  callsOfWorker,
  GO_LINE,
  MOVED_EMAIL,
  PAIR_KEY,
  PAIR_USERS,
  RACE_USERS,
  RACE_WORKERS,
  type RaceResult,
  READY_LINE,
  SAME_USERS,
  SECOND_DOMAIN,
  STALE_KEY,
  STALE_OWNER,
  STALE_USERS,
  sameEmail,
  TEAM_D2_USERS,
  TEAM_KEY,
  TEAM_USERS,
  type WorkerSummary,
} from "./support/race-plan.js";
import { WorkerProcess } from "./support/worker-process.js";

async function ok<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

const userKey = (domainId: number, userId: number) => `${domainId}:${userId}`;
const countOf = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;
const WRITING_OUTCOMES = new Set(["created-contact", "linked-existing"]);
const EXPECTED_OUTCOMES = new Set([...WRITING_OUTCOMES, "already-linked"]);

interface LinkRow {
  domain_id: number;
  user_id: number;
  contact_id: number;
  uf_name: string;
  uf_name_key: string;
}

interface AuditRow {
  domain_id: number;
  user_id: number;
  contact_id: number;
  action: string;
  trigger: string;
}

/** Who the parent linked before the race, and to which contact. */
interface SetUp {
  /** Candidate contacts with CAND_KEY, in rank order (primary matches first, then by id). */
  candidates: number[];
  trashedCandidate: number;
  organization: number;
  staleContact: number;
}

if (await shouldRun(postgresTestStore)) {
  const seed = Number(process.env.RACE_SEED ?? Date.now() % 100_000);
  describe(`ensure-link raced by separate processes on one PostgreSQL schema (seed ${seed})`, () => {
    const schema = `race_${process.pid}_${randomBytes(4).toString("hex")}`;
    let civilink: Civilink;
    let sql: Knex;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      civilink = createCivilink({ store: "postgres", url: TEST_DATABASE_URL, schema, poolSize: 4 });
      sql = knex({
        client: "pg",
        connection: TEST_DATABASE_URL,
        searchPath: [schema],
        pool: { min: 0, max: 2 },
      });
    });

    afterAll(async () => {
      for (const worker of workers) worker.kill();
      await civilink?.close();
      try {
        await sql?.raw("drop schema if exists ?? cascade", [schema]);
      } finally {
        await sql?.destroy();
      }
    });

    const rows = async <T = Record<string, unknown>>(query: string): Promise<T[]> =>
      ((await sql.raw(query)) as { rows: T[] }).rows;

    async function setUp(): Promise<SetUp> {
      await ok(civilink.store.prepare());
      await ok(
        civilink.putDomain.execute({ domainId: SECOND_DOMAIN, definition: { cms: "wordpress" } }),
      );

      // Six candidates with CAND_KEY as primary email, then four with it as a non-primary one:
      // created in this order, their ids are also their rank order.
      const candidates: number[] = [];
      for (let i = 0; i < CAND_CANDIDATES; i++) {
        const primary = i < 6;
        const contact = await ok(
          civilink.createContact.execute({
            firstName: `Cand${i}`,
            emails: primary
              ? [{ email: CAND_KEY, isPrimary: true }]
              : [
                  { email: `other${i}@race.test`, isPrimary: true },
                  { email: CAND_KEY, locationType: "Work" },
                ],
          }),
        );
        candidates.push(contact.id);
      }
      const trashed = await ok(
        civilink.createContact.execute({ firstName: "Trashed", emails: [{ email: CAND_KEY }] }),
      );
      await ok(civilink.trashContact.execute({ contactId: trashed.id }));
      const organization = await ok(
        civilink.createContact.execute({
          contactType: "Organization",
          displayName: "Cand Ltd",
          emails: [{ email: CAND_KEY }],
        }),
      );

      // Scenario 9: the first candidates are taken before the race.
      for (const [index, userId] of CAND_PRELINKED_USERS.entries()) {
        const linked = await ok(
          civilink.linkOnLogin.execute({ domainId: 1, userId, profile: { email: CAND_KEY } }),
        );
        expect(linked).toMatchObject({ outcome: "linked-existing", contactId: candidates[index] });
      }

      // Scenario 11: the owner moves to another address; the link keeps ufName STALE_KEY.
      const owner = await ok(
        civilink.linkOnLogin.execute({
          domainId: 1,
          userId: STALE_OWNER,
          profile: { email: STALE_KEY },
        }),
      );
      expect(owner.outcome).toBe("created-contact");
      const moved = await ok(
        civilink.linkOnLogin.execute({
          domainId: 1,
          userId: STALE_OWNER,
          profile: { email: MOVED_EMAIL },
        }),
      );
      expect(moved).toMatchObject({ outcome: "already-linked", link: { ufName: STALE_KEY } });

      return {
        candidates,
        trashedCandidate: trashed.id,
        organization: organization.id,
        staleContact: owner.contactId!,
      };
    }

    it(`${RACE_WORKERS} processes: one link per user, the expected contacts, no error`, async () => {
      const started = performance.now();
      const before = await setUp();

      for (let worker = 0; worker < RACE_WORKERS; worker++) {
        workers.push(
          new WorkerProcess("race-worker.ts", [
            TEST_DATABASE_URL,
            schema,
            String(worker),
            String(seed),
          ]),
        );
      }
      await Promise.all(workers.map((worker) => worker.untilLine(READY_LINE)));
      const ready = performance.now();
      for (const worker of workers) worker.send(GO_LINE);
      const summaries = await Promise.all(workers.map((worker) => worker.json<WorkerSummary>()));
      const raced = performance.now();

      // Every call answered an expected outcome; none failed.
      const results: RaceResult[] = summaries.flatMap((summary) => summary.results);
      for (const [index, summary] of summaries.entries()) {
        expect(summary.calls).toBe(callsOfWorker(index, seed).length);
        expect(summary.results).toHaveLength(summary.calls);
      }
      expect(summaries.map((summary) => summary.errors)).toEqual(summaries.map(() => ({})));
      expect(results.filter((result) => result.error !== null)).toEqual([]);
      expect(results.filter((result) => !EXPECTED_OUTCOMES.has(result.outcome ?? ""))).toEqual([]);

      // The store: at most one link per user and per contact, in each domain.
      const links = await rows<LinkRow>(
        "select domain_id::int, user_id::int, contact_id::int, uf_name, uf_name_key from links",
      );
      expect(
        await rows("select domain_id, user_id from links group by 1, 2 having count(*) > 1"),
      ).toEqual([]);
      expect(
        await rows("select domain_id, contact_id from links group by 1, 2 having count(*) > 1"),
      ).toEqual([]);
      const linkOf = new Map(links.map((link) => [userKey(link.domain_id, link.user_id), link]));
      expect(linkOf.size).toBe(links.length);
      expect(new Set(links.map((link) => userKey(link.domain_id, link.contact_id))).size).toBe(
        links.length,
      );

      // Every user got exactly one link, the same one every call of every process answered.
      const preLinked = [...CAND_PRELINKED_USERS.map((userId) => userKey(1, userId))];
      const raceUserKeys = RACE_USERS.map((user) => userKey(user.domainId, user.userId));
      expect([...linkOf.keys()].sort()).toEqual([...raceUserKeys, ...preLinked].sort());
      for (const user of RACE_USERS) {
        const key = userKey(user.domainId, user.userId);
        const link = linkOf.get(key)!;
        const answers = results.filter(
          (result) => result.domainId === user.domainId && result.userId === user.userId,
        );
        expect(answers, key).toHaveLength(user.callsPerWorker * RACE_WORKERS);
        const writes = countOf(answers, (answer) => WRITING_OUTCOMES.has(answer.outcome!));
        expect(writes, key).toBe(user.group === "stale-owner" ? 0 : 1);
        for (const answer of answers) {
          expect({ key, contactId: answer.contactId, ufName: answer.ufName }).toEqual({
            key,
            contactId: link.contact_id,
            ufName: link.uf_name,
          });
        }
        const expectedUfName = user.group === "stale-owner" ? STALE_KEY : user.emails[0]!.trim();
        expect(link.uf_name, key).toBe(expectedUfName);
      }

      // Every linked contact is a live Individual having the link's email.
      const badTargets = await rows(`
        select l.domain_id, l.user_id, l.contact_id from links l
        join contacts c on c.id = l.contact_id
        where c.is_deleted or c.contact_type <> 'Individual'
           or not exists (select 1 from contact_emails e
                          where e.contact_id = l.contact_id and e.email = l.uf_name_key)`);
      expect(badTargets).toEqual([]);

      // Contacts: one new per same-email user; one per pair of users (whichever domain came
      // first creates it, the other links to it); one per team user (domain 2's users share the
      // team contacts: one is created only when every one is linked in that domain, so the
      // count is the larger of the two domains' user counts); the candidates left free are
      // used before any new contact; one per unlinked stale user, none for the owner.
      const outcomesOf = (groups: string[]) =>
        results.filter((result) => groups.includes(result.group)).map((result) => result.outcome);
      const freeCandidates = CAND_CANDIDATES - CAND_PRELINKED_USERS.length;
      const expectedNew = {
        same: SAME_USERS.length,
        pair: PAIR_USERS.length,
        team: Math.max(TEAM_USERS.length, TEAM_D2_USERS.length),
        cand: CAND_USERS.length - freeCandidates,
        stale: STALE_USERS.length,
      };
      expect(countOf(outcomesOf(["same"]), (o) => o === "created-contact")).toBe(expectedNew.same);
      expect(countOf(outcomesOf(["same"]), (o) => o === "linked-existing")).toBe(0);
      expect(countOf(outcomesOf(["team", "team-d2"]), (o) => o === "created-contact")).toBe(
        expectedNew.team,
      );
      expect(countOf(outcomesOf(["team", "team-d2"]), (o) => o === "linked-existing")).toBe(
        TEAM_USERS.length + TEAM_D2_USERS.length - expectedNew.team,
      );
      expect(countOf(outcomesOf(["pair", "pair-d2"]), (o) => o === "created-contact")).toBe(
        expectedNew.pair,
      );
      expect(countOf(outcomesOf(["pair", "pair-d2"]), (o) => o === "linked-existing")).toBe(
        PAIR_USERS.length,
      );
      expect(countOf(outcomesOf(["cand"]), (o) => o === "linked-existing")).toBe(freeCandidates);
      expect(countOf(outcomesOf(["cand"]), (o) => o === "created-contact")).toBe(expectedNew.cand);
      expect(countOf(outcomesOf(["stale"]), (o) => o === "created-contact")).toBe(
        expectedNew.stale,
      );
      expect(countOf(outcomesOf(["stale", "stale-owner"]), (o) => o === "linked-existing")).toBe(0);

      const seeded = CAND_CANDIDATES + 2; // the candidates, the trashed one, the organization
      const setUpCreated = 1; // the stale owner's contact
      const expectedContacts =
        seeded +
        setUpCreated +
        expectedNew.same +
        expectedNew.pair +
        expectedNew.team +
        expectedNew.cand +
        expectedNew.stale;
      const [{ count: contactCount }] = (await rows<{ count: number }>(
        "select count(*)::int as count from contacts",
      )) as [{ count: number }];
      expect(contactCount).toBe(expectedContacts);

      const having = async (email: string) =>
        (await ok(civilink.findContactsByEmail.execute({ email, includeDeleted: true })))
          .map((contact) => contact.id)
          .sort((a, b) => a - b);
      for (const userId of SAME_USERS) {
        expect(await having(sameEmail(userId))).toEqual([
          linkOf.get(userKey(1, userId))!.contact_id,
        ]);
      }
      for (const userId of PAIR_USERS) {
        const shared = linkOf.get(userKey(1, userId))!.contact_id;
        expect(await having(PAIR_KEY(userId)), PAIR_KEY(userId)).toEqual([shared]);
        expect(linkOf.get(userKey(SECOND_DOMAIN, userId))!.contact_id).toBe(shared);
      }
      const teamContacts = await having(TEAM_KEY);
      expect(teamContacts).toHaveLength(expectedNew.team);
      expect(
        [...TEAM_USERS.map((userId) => linkOf.get(userKey(1, userId))!.contact_id)].sort(
          (a, b) => a - b,
        ),
      ).toEqual(teamContacts);
      for (const userId of TEAM_D2_USERS) {
        expect(teamContacts).toContain(linkOf.get(userKey(SECOND_DOMAIN, userId))!.contact_id);
      }
      const candContacts = await having(CAND_KEY);
      expect(candContacts).toHaveLength(seeded + expectedNew.cand);
      // All candidates are linked now, the pre-linked ones to the same users as before.
      const candLinked = [...CAND_PRELINKED_USERS, ...CAND_USERS].map(
        (userId) => linkOf.get(userKey(1, userId))!.contact_id,
      );
      expect(candLinked).toEqual(expect.arrayContaining(before.candidates));
      expect(
        CAND_PRELINKED_USERS.map((userId) => linkOf.get(userKey(1, userId))!.contact_id),
      ).toEqual(before.candidates.slice(0, CAND_PRELINKED_USERS.length));
      const staleContacts = await having(STALE_KEY);
      expect(staleContacts).toHaveLength(1 + expectedNew.stale);
      expect(linkOf.get(userKey(1, STALE_OWNER))!.contact_id).toBe(before.staleContact);

      // No orphan: the only contacts without a link are the trashed one and the organization.
      const orphans = await rows<{ id: number }>(
        "select id::int from contacts c where not exists (select 1 from links l where l.contact_id = c.id) order by id",
      );
      expect(orphans.map((row) => row.id)).toEqual(
        [before.trashedCandidate, before.organization].sort((a, b) => a - b),
      );

      // One audit entry per write, with the trigger of the call that wrote.
      const audit = await rows<AuditRow>(
        "select domain_id::int, user_id::int, contact_id::int, action, trigger from audit_entries order by seq",
      );
      const setUpAudit: AuditRow[] = [
        ...CAND_PRELINKED_USERS.map((userId, index) => ({
          domain_id: 1,
          user_id: userId,
          contact_id: before.candidates[index]!,
          action: "linked-existing",
          trigger: "login",
        })),
        {
          domain_id: 1,
          user_id: STALE_OWNER,
          contact_id: before.staleContact,
          action: "created-contact",
          trigger: "login",
        },
      ];
      const raceAudit: AuditRow[] = results
        .filter((result) => WRITING_OUTCOMES.has(result.outcome!))
        .map((result) => ({
          domain_id: result.domainId,
          user_id: result.userId,
          contact_id: result.contactId!,
          action: result.outcome!,
          trigger: result.trigger,
        }));
      const byUser = (a: AuditRow, b: AuditRow) =>
        a.domain_id - b.domain_id || a.user_id - b.user_id;
      expect([...audit].sort(byUser)).toEqual([...setUpAudit, ...raceAudit].sort(byUser));

      const done = performance.now();
      const totals: Record<string, number> = {};
      for (const result of results) totals[result.outcome!] = (totals[result.outcome!] ?? 0) + 1;
      const latencies = results.map((result) => result.millis).sort((a, b) => a - b);
      console.log(
        `race: ${RACE_WORKERS} processes, ${results.length} calls, ${JSON.stringify(totals)}; ` +
          `${links.length} links, ${contactCount} contacts; ` +
          `set-up and start ${Math.round(ready - started)} ms, race ${Math.round(raced - ready)} ms ` +
          `(answers: median ${latencies[latencies.length >> 1]} ms, last ${latencies.at(-1)} ms), ` +
          `checks ${Math.round(done - raced)} ms`,
      );
    }, 60_000);
  });
} else {
  describe.skip("ensure-link raced by separate processes on PostgreSQL", () =>
    it.skip("needs PostgreSQL", () => {}));
}
