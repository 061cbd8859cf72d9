import type { StoreError } from "../../application/index.js";
import type { ValidationFailed } from "../../domain/index.js";
import { CliFailure, EXIT } from "./exit-codes.js";

type CommandError = ValidationFailed | StoreError | { kind: string; message: string };

/** The one-line failure and exit code of a use-case error (API.md exit codes). */
export function cliFailureOf(error: CommandError): CliFailure {
  switch (error.kind) {
    case "StoreUnavailable":
    case "SourceUnavailable":
      return new CliFailure(error.message, EXIT.storeUnavailable);
    case "StoreFailed": {
      const cause = "cause" in error ? error.cause : undefined;
      const why = cause ? `${cause.message}${cause.code ? ` (${cause.code})` : ""}` : error.message;
      return new CliFailure(`the store failed: ${why}`, EXIT.storeUnavailable);
    }
    case "ValidationFailed": {
      const details = "details" in error && Array.isArray(error.details) ? error.details : [];
      const first = details[0] as { path: string; message: string } | undefined;
      return new CliFailure(
        first ? `${first.path} ${first.message}` : error.message,
        EXIT.badInput,
      );
    }
    default:
      return new CliFailure(error.message, EXIT.badInput);
  }
}
