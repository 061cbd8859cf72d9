import { describe, it } from "vitest";
import { postgresTestStore, shouldRun } from "../support/test-stores.js";
import { describeSpecScenarios } from "./spec-scenarios.js";

if (await shouldRun(postgresTestStore)) {
  describeSpecScenarios("postgres", postgresTestStore.makeCivilink);
} else {
  describe.skip("§10 scenarios on postgres", () => it.skip("needs PostgreSQL", () => {}));
}
