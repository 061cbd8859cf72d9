import { describe, it } from "vitest";
import { postgresTestStore, shouldRun } from "../support/test-stores.js";
import { pgliteTwin, postgresTwin } from "./support/sql-twin.js";
import { describeSyncDifferential } from "./sync-differential.js";

describeSyncDifferential("pglite", pgliteTwin);

if (await shouldRun(postgresTestStore)) {
  describeSyncDifferential("postgres", postgresTwin);
} else {
  describe.skip("set-based sync on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
