import { describe, it } from "vitest";
import { postgresTestStore, shouldRun } from "../support/test-stores.js";
import { describePortContracts } from "./ports/index.js";

if (await shouldRun(postgresTestStore)) {
  describePortContracts("postgres", () => postgresTestStore.makeStore());
} else {
  describe.skip("port contracts on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
