import { randomUUID } from "node:crypto";
import type { IdGenerator } from "../../application/index.js";

/** Random (version 4) UUIDs: unique across processes without asking anyone. */
export const randomIds: IdGenerator = { newId: () => randomUUID() };
