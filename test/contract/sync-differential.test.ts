import { describe, it } from "vitest";
import { postgresTestStore, shouldRun } from "../support/test-stores.js";
import { pgliteTwin, postgresTwin } from "./support/sql-twin.js";
import { describeSyncDifferential, memoryTwin, sqlTwin } from "./sync-differential.js";

describeSyncDifferential("memory", memoryTwin, false);
describeSyncDifferential("pglite", sqlTwin(pgliteTwin), true);

if (await shouldRun(postgresTestStore)) {
  describeSyncDifferential("postgres", sqlTwin(postgresTwin), true);
} else {
  describe.skip("a sync in batches on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
