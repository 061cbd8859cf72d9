import type { UseCaseError } from "../../application/index.js";
import { CliFailure, EXIT } from "./exit-codes.js";

/**
 * The one-line failure and exit code of a use-case error (docs/contract.md exit codes). The switch
 * covers every kind of the catalogue: a kind that is not mapped here fails to compile.
 */
export function cliFailureOf(error: UseCaseError): CliFailure {
  switch (error.kind) {
    case "StoreUnavailable":
    case "SourceUnavailable":
      return new CliFailure(error.message, EXIT.storeUnavailable);
    case "StoreFailed": {
      const { cause } = error;
      const why = cause ? `${cause.message}${cause.code ? ` (${cause.code})` : ""}` : error.message;
      return new CliFailure(`the store failed: ${why}`, EXIT.storeFailed);
    }
    case "ValidationFailed": {
      const [first] = error.details;
      return new CliFailure(
        first ? `${first.path} ${first.message}` : error.message,
        EXIT.badInput,
      );
    }
    case "DomainNotFound":
    case "ContactNotFound":
    case "LinkNotFound":
    case "ContactIsLinked":
    case "SyncJobNotFound":
    case "SyncAlreadyRunning":
    case "SourceInvalid":
      return new CliFailure(error.message, EXIT.badInput);
  }
  const unmapped: { kind: string } = error satisfies never;
  throw new TypeError(`No exit code for the error kind ${unmapped.kind}.`);
}
