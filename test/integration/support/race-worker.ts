/**
 * One process of the PostgreSQL race (test/integration/postgres-race.test.ts). Run as
 * `node --import tsx race-worker.ts <url> <schema> <worker> <seed>`: opens a civilink of its
 * own (its own pool), prints READY_LINE once the store answers, waits for GO_LINE on stdin,
 * fires every call of its plan at once and prints a WorkerSummary as one JSON line.
 */
import { createInterface } from "node:readline";
import { createCivilink } from "../../../src/index.js";
import {
  callsOfWorker,
  GO_LINE,
  type RaceCall,
  type RaceResult,
  READY_LINE,
  WORKER_POOL_SIZE,
  type WorkerSummary,
} from "./race-plan.js";

const [url, schema, workerArg, seedArg] = process.argv.slice(2);
if (!url || !schema || !workerArg || !seedArg) {
  throw new Error("usage: race-worker.ts <url> <schema> <worker> <seed>");
}
const worker = Number(workerArg);
const calls = callsOfWorker(worker, Number(seedArg));

const civilink = createCivilink({ store: "postgres", url, schema, poolSize: WORKER_POOL_SIZE });
const prepared = await civilink.store.prepare();
if (prepared.isErr()) throw new Error(`worker ${worker}: ${JSON.stringify(prepared.error)}`);
// Open the whole pool before the start, as in a server that has been running a while: the
// race is about the calls, not about connecting.
const warmUp = await Promise.all(
  Array.from({ length: WORKER_POOL_SIZE * 2 }, () =>
    civilink.findContactsByEmail.execute({ email: "warm-up@race.test" }),
  ),
);
if (warmUp.some((result) => result.isErr())) throw new Error(`worker ${worker}: warm-up failed`);

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve, reject) => {
  lines.on("line", (line) => {
    if (line.trim() === GO_LINE) resolve();
  });
  lines.on("close", () => reject(new Error(`worker ${worker}: stdin closed before "${GO_LINE}"`)));
});
process.stdout.write(`${READY_LINE}\n`);
await go;
lines.close();
const started = performance.now();

async function fire(call: RaceCall): Promise<RaceResult> {
  const answer = await answerOf(call);
  return { ...answer, millis: Math.round(performance.now() - started) };
}

async function answerOf(call: RaceCall): Promise<Omit<RaceResult, "millis">> {
  const input = {
    domainId: call.domainId,
    userId: call.userId,
    profile: { email: call.email, ...(call.firstName ? { firstName: call.firstName } : {}) },
  };
  const useCase = call.trigger === "login" ? civilink.linkOnLogin : civilink.linkOnRegistration;
  const base = {
    group: call.group,
    domainId: call.domainId,
    userId: call.userId,
    trigger: call.trigger,
  };
  try {
    const result = await useCase.execute(input);
    if (result.isErr()) {
      const { kind, message } = result.error;
      return { ...base, outcome: null, contactId: null, ufName: null, error: { kind, message } };
    }
    const { outcome, contactId, link } = result.value;
    return { ...base, outcome, contactId, ufName: link?.ufName ?? null, error: null };
  } catch (cause) {
    // A use case must never reject; count it as an error of its own kind.
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      ...base,
      outcome: null,
      contactId: null,
      ufName: null,
      error: { kind: "thrown", message },
    };
  }
}

const results = await Promise.all(calls.map(fire));
const millis = Math.round(performance.now() - started);
await civilink.close();

const tally = (keys: string[]) => {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
};
const summary: WorkerSummary = {
  worker,
  calls: calls.length,
  millis,
  outcomes: tally(results.flatMap((result) => (result.outcome ? [result.outcome] : []))),
  errors: tally(results.flatMap((result) => (result.error ? [result.error.kind] : []))),
  results,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
