import type { UseCaseError } from "../../application/index.js";
import type { HttpError } from "./http-errors.js";

export type { UseCaseError };

/**
 * Maps a use-case error to what the client sees. The switch covers every kind of the
 * catalogue: a kind that is not mapped here fails to compile.
 */
export function httpErrorOf(error: UseCaseError): HttpError {
  switch (error.kind) {
    case "ValidationFailed":
      return { kind: "ValidationFailed", message: error.message, details: error.details };
    case "DomainNotFound":
    case "ContactNotFound":
    case "LinkNotFound":
    case "SyncJobNotFound":
    case "SyncAlreadyRunning":
      return { kind: error.kind, message: error.message };
    case "ContactIsLinked":
      return { kind: error.kind, message: error.message, details: { domainIds: error.domainIds } };
    case "StoreUnavailable":
      return {
        kind: "StoreUnavailable",
        message: "The store is unavailable; try again later.",
        logged: { message: error.message, cause: error.cause },
      };
    case "StoreFailed":
      return {
        kind: "Internal",
        message: "Something went wrong on our side.",
        logged: { message: error.message, cause: error.cause },
      };
    // No route reads a CMS's database (docs/cms-import.md): were a source's error to reach a
    // client, the fault would be the server's.
    case "SourceUnavailable":
    case "SourceInvalid":
      return {
        kind: "Internal",
        message: "Something went wrong on our side.",
        logged: { message: error.message },
      };
  }
  const unmapped: { kind: string } = error satisfies never;
  throw new TypeError(`No HTTP answer for the error kind ${unmapped.kind}.`);
}
