import { USE_CASE_TABLE } from "./use-case-table.js";

export type { Token } from "./wiring-table.js";

/** The container's token of every adapter and use case of the table (`TOKENS.LinkOnLogin`). */
export const TOKENS = USE_CASE_TABLE.tokens();
