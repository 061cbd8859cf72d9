import { defineConfig } from "vitest/config";
import full from "./vitest.config.js";

/**
 * `npm run test:fast`: the unit tests and the memory store's contract suites, which need no
 * PostgreSQL, PGlite, browser or PHP, so no global set-up either. Test files share their
 * workers' modules (`isolate: false`): loading the application again for every file took
 * most of the run's time. `npm test` still runs every file in a fresh module graph.
 */
export default defineConfig({
  test: {
    ...full.test,
    include: [
      "test/unit/**/*.test.ts",
      "test/contract/memory.test.ts",
      "test/contract/ports-memory.test.ts",
    ],
    globalSetup: [],
    isolate: false,
  },
});
