import { createCivilink } from "../../src/index.js";
import { describeSpecScenarios } from "./spec-scenarios.js";

describeSpecScenarios("memory", async (options) => createCivilink({ store: "memory", ...options }));
