import { ConcurrentWriteError, StoreUnavailableError } from "../../../application/ports/index.js";

/** Driver and server codes that mean the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "57P05", // idle_session_timeout
  "53300", // too_many_connections
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "25P03", // idle_in_transaction_session_timeout
]);

/** Codes of a server that answers but will not let civilink in: the operator must act. */
const REFUSED_CODES = new Set([
  "3D000", // invalid_catalog_name: the database does not exist
  "28000", // invalid_authorization_specification
  "28P01", // invalid_password
  "42501", // insufficient_privilege (e.g. CONNECT revoked)
]);

/** statement_timeout: the server cancelled a statement that ran too long. */
const STATEMENT_TIMEOUT = "57014";

/** Codes of writes that lost a race and succeed when the transaction runs again. */
const RETRYABLE_CODES = new Set([
  "23505", // unique_violation: both link invariants of §1
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

/** Whether a driver error is a write that lost a race and succeeds when run again. */
export const lostRace = (cause: unknown): boolean => {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE_CODES.has(code);
};

const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error",
  "timeout exceeded when trying to connect",
  "timeout expired",
  "Query read timeout",
  "Knex: Timeout acquiring a connection",
  "PGlite is closed",
];

/**
 * Turns a driver error into the error classes the unit of work understands. A store that
 * cannot be used becomes StoreUnavailableError with a message naming `store` (where it is,
 * never a password) and saying why; the driver's error is kept as its `cause`.
 */
export function sqlErrorTranslator(store: string): (cause: unknown) => unknown {
  return (cause) => {
    if (cause instanceof StoreUnavailableError || cause instanceof ConcurrentWriteError) {
      return cause;
    }
    if (!(cause instanceof Error)) return cause;
    if (lostRace(cause)) return new ConcurrentWriteError(cause.message, { cause });
    const code = (cause as { code?: unknown }).code;
    const reason = unavailableReason(cause, code);
    return reason === null ? cause : new StoreUnavailableError(`${store} ${reason}`, { cause });
  };
}

/** knex puts the statement (without its values) before the driver's message. */
const KNEX_STATEMENT_PREFIX =
  /^(?:select|insert|update|delete|with|begin|commit|rollback|savepoint|release|create|alter|drop|set|analyze|lock)\b[\s\S]* - /i;

/** The driver's own words, without the statement knex prefixed them with. */
const driverMessage = (cause: Error) => cause.message.replace(KNEX_STATEMENT_PREFIX, "");

/** Why the store cannot be used, as the end of a sentence after its name; null when it can. */
function unavailableReason(cause: Error, code: unknown): string | null {
  const message = driverMessage(cause);
  if (typeof code === "string" && REFUSED_CODES.has(code)) {
    return `refused the connection: ${message}`;
  }
  if (code === STATEMENT_TIMEOUT) return `did not finish a statement in time: ${message}`;
  if (cause.name === "KnexTimeoutError") {
    return "had no free connection in time: every pooled connection stayed busy";
  }
  if (isConnectTimeout(message)) return "did not accept a connection in time";
  if (message === "Query read timeout") {
    return "did not answer in time; the connection was dropped";
  }
  const unavailable =
    (typeof code === "string" && UNAVAILABLE_CODES.has(code)) ||
    UNAVAILABLE_MESSAGES.some((text) => message.includes(text));
  return unavailable ? `is unavailable: ${message}` : null;
}

const isConnectTimeout = (message: string) =>
  message === "timeout expired" ||
  message.includes("timeout exceeded when trying to connect") ||
  message.includes("Connection terminated due to connection timeout");
