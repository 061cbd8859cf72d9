import { ConcurrentWriteError, StoreUnavailableError } from "../../../application/ports/index.js";

/** Driver and server codes that mean the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/** Codes of writes that lost a race and succeed when the transaction runs again. */
const RETRYABLE_CODES = new Set([
  "23505", // unique_violation: both link invariants of SPEC §1
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error",
  "timeout exceeded when trying to connect",
  "Knex: Timeout acquiring a connection",
  "PGlite is closed",
];

/** Turns a driver error into the error classes the unit of work understands. */
export function translateSqlError(cause: unknown): unknown {
  if (cause instanceof StoreUnavailableError || cause instanceof ConcurrentWriteError) return cause;
  if (!(cause instanceof Error)) return cause;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === "string" && RETRYABLE_CODES.has(code)) {
    return new ConcurrentWriteError(cause.message);
  }
  const unavailable =
    (typeof code === "string" && UNAVAILABLE_CODES.has(code)) ||
    cause.name === "KnexTimeoutError" ||
    UNAVAILABLE_MESSAGES.some((text) => cause.message.includes(text));
  return unavailable ? new StoreUnavailableError("The database is unavailable.") : cause;
}
