import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Civilink, createCivilink } from "../../src/index.js";
import { answerOf, runEvent, runEvents, setUpWorld } from "./support/event-runner.js";
import { checkDryRun, checkStep } from "./support/invariant-checks.js";
import { type Scenario, type Step, scenarioArb } from "./support/invariant-scenarios.js";
import { resolveEvents, takeSnapshot } from "./support/store-snapshot.js";

/**
 * Random histories over six users in two domains (the second with a random CMS, Joomla
 * included, and a random syncCmsEmail) and a few contacts sharing four addresses in every
 * casing and padding: registrations, logins, interactions, profile updates, deletions,
 * contact email changes, trash attempts, anonymous visits and syncs, some fired together.
 * After every step the store must satisfy the invariants of invariant-checks.ts:
 *   1. at most one link per (domain, user) and per (domain, contact), none to a trashed contact;
 *   2. no contact created for a user linked before the step;
 *   3. nothing linked or created for a user event without a valid email;
 *   4. the audit log (and the outbox) match the writes, and a sync's counters match both;
 *   5. every answer is ok or a documented error, never a rejection or StoreFailed;
 *   6. a dry-run sync changes nothing and reports what the real sync then reports.
 */

/** Runs one step and answers the violations it left, each prefixed by where it happened. */
async function runAndCheckStep(civilink: Civilink, step: Step): Promise<string[]> {
  const pre = await takeSnapshot(civilink.store);
  if (step.type === "events") {
    const runs = await runEvents(civilink, resolveEvents(step.events, pre), step.ticks);
    return checkStep({ pre, post: await takeSnapshot(civilink.store), runs });
  }
  const { domainId } = step;
  const dryRun = await answerOf(() =>
    civilink.synchronizeAllUsers.execute({ domainId, dryRun: true }),
  );
  const afterDryRun = await takeSnapshot(civilink.store);
  const sync = { type: "sync", domainId } as const;
  const realRun = await runEvent(civilink, sync);
  return [
    ...checkDryRun(domainId, pre, afterDryRun, dryRun, realRun),
    ...checkStep({
      pre,
      post: await takeSnapshot(civilink.store),
      runs: [{ event: sync, answer: realRun }],
    }),
  ];
}

async function runScenario(scenario: Scenario): Promise<void> {
  const civilink = createCivilink({ store: "memory" });
  await setUpWorld(civilink, scenario.domains, scenario.contacts);
  for (const [index, step] of scenario.steps.entries()) {
    const violations = await runAndCheckStep(civilink, step);
    if (violations.length > 0) {
      throw new Error(`step ${index} (${JSON.stringify(step)}):\n  ${violations.join("\n  ")}`);
    }
  }
}

/** More runs for a local hunt: `INVARIANT_RUNS=5000 npx vitest run test/unit/invariants…`. */
const NUM_RUNS = Number(process.env.INVARIANT_RUNS ?? 100);

describe("store invariants under random event histories", () => {
  it(
    "hold after every step, sequential or concurrent",
    async () => {
      await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: NUM_RUNS });
    },
    Math.max(30_000, NUM_RUNS * 100),
  );

  it("hold when a contact's new email (§7) races the deletion of its user, at every offset", async () => {
    // The race this property found: §7 wrote a user's link and directory entry without that
    // user's lock, so a concurrent deletion made it fail (StoreFailed) or brought the deleted
    // user back with an outbox event and an audit entry for a link that no longer existed.
    for (let ticks = 0; ticks <= 40; ticks++) {
      const civilink = createCivilink({ store: "memory" });
      await civilink.putDomain.execute({ domainId: 2, definition: { cms: "wordpress" } });
      for (const domainId of [1, 2]) {
        await civilink.linkOnLogin.execute({
          domainId,
          userId: 1,
          profile: { email: "ann@x.org" },
        });
      }
      const pre = await takeSnapshot(civilink.store);
      const events = [
        { type: "contact-email-change", contactId: 1, email: "bob@y.org" },
        { type: "user-deletion", domainId: 1, userId: 1 },
      ] as const;
      const runs = await runEvents(civilink, events, [0, ticks]);
      const post = await takeSnapshot(civilink.store);
      expect(checkStep({ pre, post, runs }), `deletion ${ticks} ticks later`).toEqual([]);
      expect(post.users).not.toContainEqual(expect.objectContaining({ domainId: 1, userId: 1 }));
    }
  });

  it("report a broken invariant (the checks are not vacuous)", async () => {
    const civilink = createCivilink({ store: "memory" });
    const pre = await takeSnapshot(civilink.store);
    const login = { type: "user-event", kind: "login", domainId: 1, userId: 1 } as const;
    const event = { ...login, profile: { email: "a@x.org" }, interaction: "other" } as const;
    const answer = await runEvent(civilink, event);
    const post = await takeSnapshot(civilink.store);
    // The login created and linked a contact; claiming the user was linked before must fail.
    const preWithLink = { ...pre, links: post.links };
    expect(checkStep({ pre, post, runs: [{ event, answer }] })).toEqual([]);
    expect(checkStep({ pre: preWithLink, post, runs: [{ event, answer }] })).not.toEqual([]);
  });
});
