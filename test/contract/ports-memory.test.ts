import { memoryTestStore } from "../support/test-stores.js";
import { describePortContracts } from "./ports/index.js";

describePortContracts("memory", () => memoryTestStore.makeStore());
