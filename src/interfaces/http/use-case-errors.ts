import type { StoreError } from "../../application/index.js";
import type {
  ContactIsLinked,
  ContactNotFound,
  DomainNotFound,
  LinkNotFound,
  ValidationFailed,
} from "../../domain/index.js";
import type { HttpError } from "./http-errors.js";

/** Every error a use case can answer with. */
export type UseCaseError =
  | ValidationFailed
  | DomainNotFound
  | ContactNotFound
  | LinkNotFound
  | ContactIsLinked
  | StoreError
  | { kind: "SyncJobNotFound"; message: string }
  | { kind: "SyncAlreadyRunning"; message: string };

/**
 * Maps a use-case error to what the client sees. The switch is exhaustive: a new error kind
 * that is not mapped here fails to compile.
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
    default:
      return error satisfies never;
  }
}
