import { USE_CASE_TABLE } from "./use-case-table.js";

/** The container's token of every adapter and use case of the table (`TOKENS.LinkOnLogin`). */
export const TOKENS = USE_CASE_TABLE.tokens();
