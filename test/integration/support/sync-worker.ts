/**
 * Runs one SynchronizeAllUsers of domain 1 on a PostgreSQL schema, in a process of its own:
 *   node --import tsx sync-worker.ts <url> <schema>
 * Prints "started" once connected, then the SyncResult (or the error) as its last line as JSON.
 */
import { createCivilink } from "../../../src/index.js";

const [url, schema] = process.argv.slice(2);
if (!url || !schema) throw new Error("usage: sync-worker.ts <url> <schema>");
const civilink = createCivilink({ store: "postgres", url, schema, poolSize: 4 });
try {
  const prepared = await civilink.store.prepare();
  if (prepared.isErr()) throw new Error(JSON.stringify(prepared.error));
  console.log("started");
  const result = await civilink.synchronizeAllUsers.execute({ domainId: 1 });
  console.log(JSON.stringify(result.isOk() ? { ok: result.value } : { error: result.error }));
} finally {
  await civilink.close();
}
