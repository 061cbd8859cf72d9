import { pgliteTestStore } from "../support/test-stores.js";
import { describeSpecScenarios } from "./spec-scenarios.js";

describeSpecScenarios("pglite", pgliteTestStore.makeCivilink);
