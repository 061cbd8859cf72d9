import type { Request, Response } from "express";
import type { ValidationIssue } from "../../domain/index.js";

/** Every error kind a client can see, with its status (docs/contract.md). */
export const STATUS_OF_KIND = {
  ValidationFailed: 400,
  MalformedJson: 400,
  MalformedRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  DomainNotFound: 404,
  ContactNotFound: 404,
  LinkNotFound: 404,
  SyncJobNotFound: 404,
  RequestTimeout: 408,
  ContactIsLinked: 409,
  SyncAlreadyRunning: 409,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  RateLimited: 429,
  HeadersTooLarge: 431,
  Internal: 500,
  StoreUnavailable: 503,
} as const;

export type HttpErrorKind = keyof typeof STATUS_OF_KIND;

export interface HttpError {
  kind: HttpErrorKind;
  message: string;
  details?: unknown;
  /** For the log only, never the client: what the server saw (a store's message and cause). */
  logged?: { message: string; cause?: unknown };
}

/**
 * Answers the error in the JSON shape of docs/contract.md. A 5xx is logged with what caused it and the
 * request id (at error level for a 500, warn for a 503); a 500's body carries that id, so
 * that whoever got it can report it.
 */
export function sendError(response: Response, error: HttpError): void {
  const status = STATUS_OF_KIND[error.kind];
  const body: {
    error: { kind: HttpErrorKind; message: string; details?: unknown; requestId?: string };
  } = {
    error: { kind: error.kind, message: error.message },
  };
  if (error.details !== undefined) body.error.details = error.details;
  if (status >= 500) {
    const requestId = response.getHeader("X-Request-Id");
    const log = (response.req as Request | undefined)?.log;
    const line = { kind: error.kind, err: error.logged?.cause, detail: error.logged?.message };
    if (status === 500) {
      log?.error(line, "request failed");
      if (typeof requestId === "string") body.error.requestId = requestId;
    } else {
      log?.warn(line, "store unavailable");
    }
  }
  response.status(status).json(body);
}

export const validationError = (message: string, details: ValidationIssue[]): HttpError => ({
  kind: "ValidationFailed",
  message,
  details,
});
