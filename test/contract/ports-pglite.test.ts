import { pgliteTestStore } from "../support/test-stores.js";
import { describePortContracts } from "./ports/index.js";

describePortContracts("pglite", () => pgliteTestStore.makeStore());
