import type { Response } from "express";
import type { ValidationIssue } from "../../domain/index.js";

/** Every error kind a client can see, with its status (API.md). */
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
}

export function sendError(response: Response, error: HttpError): void {
  const body: { error: HttpError } = {
    error: { kind: error.kind, message: error.message },
  };
  if (error.details !== undefined) body.error.details = error.details;
  response.status(STATUS_OF_KIND[error.kind]).json(body);
}

export const validationError = (message: string, details: ValidationIssue[]): HttpError => ({
  kind: "ValidationFailed",
  message,
  details,
});
