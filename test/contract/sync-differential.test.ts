import { describe, it } from "vitest";
import { postgresTestStore, shouldRun } from "../support/test-stores.js";
import { pgliteTwin, postgresTwin } from "./support/sql-twin.js";
import { describeSyncDifferential, memoryTwin, sqlTwin } from "./sync-differential.js";

describeSyncDifferential("memory", memoryTwin);
describeSyncDifferential("pglite", sqlTwin(pgliteTwin));

if (await shouldRun(postgresTestStore)) {
  describeSyncDifferential("postgres", sqlTwin(postgresTwin));
} else {
  describe.skip("a sync in batches on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
