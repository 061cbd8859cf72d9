import type { IdGenerator } from "../../src/index.js";

/** Ids `job-1`, `job-2`, … in the order they are asked for: the same on every run. */
export function sequentialIds(prefix = "job"): IdGenerator {
  let count = 0;
  return { newId: () => `${prefix}-${++count}` };
}
