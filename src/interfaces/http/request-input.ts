import express, { type NextFunction, type Request, type Response } from "express";
import type { z } from "zod";
import { type HttpError, sendError, validationError } from "./http-errors.js";
import type { RouteDefinition } from "./route-kit.js";

export const JSON_LIMIT = "100kb";

const hasBody = (request: Request) =>
  request.headers["transfer-encoding"] !== undefined ||
  Number(request.headers["content-length"] ?? 0) > 0;

const jsonParser = express.json({ limit: JSON_LIMIT, strict: true, type: () => true });

/**
 * Parses a JSON body when the request has one: anything but application/json is 415, and
 * malformed or oversized JSON reaches the error handler as the parser reports it.
 */
export function jsonBody(route: RouteDefinition) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!route.body || !hasBody(request)) {
      request.body = undefined;
      next();
      return;
    }
    if (!request.is("application/json")) {
      sendError(response, {
        kind: "UnsupportedMediaType",
        message: "Send the body as application/json.",
      });
      return;
    }
    jsonParser(request, response, next);
  };
}

/** Checks that a streamed body has one of the media types the route reads. */
export function streamMediaType(route: RouteDefinition) {
  return (request: Request, response: Response, next: NextFunction) => {
    const accepted = route.stream?.mediaTypes ?? [];
    if (!request.is(accepted)) {
      sendError(response, {
        kind: "UnsupportedMediaType",
        message: `Send the body as one of ${accepted.join(", ")}.`,
      });
      return;
    }
    next();
  };
}

function issuesOf(error: z.ZodError, prefix: string) {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [base, key].filter(Boolean).join("."),
        message: "is not a known field",
      }));
    }
    return [{ path: base || prefix, message: issue.message }];
  });
}

/** Validates params, query and body against the route's schemas: 400 ValidationFailed. */
export function validatedInput(
  route: RouteDefinition,
  request: Request,
): { ok: { params: unknown; query: unknown; body: unknown } } | { error: HttpError } {
  const details: { path: string; message: string }[] = [];
  const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    details.push(...issuesOf(result.error, prefix));
    return undefined;
  };
  const params = route.params && parse(route.params, { ...request.params }, "path");
  // Express parses the query string at every read of `request.query`: only when there is one.
  const query =
    route.query &&
    parse(route.query, request.url.includes("?") ? { ...request.query } : {}, "query");
  const rawBody = request.body === undefined && route.bodyOptional ? {} : request.body;
  if (route.body && rawBody === undefined) {
    details.push({ path: "body", message: "a JSON body is required" });
  }
  const body = rawBody === undefined ? undefined : parse(route.body, rawBody, "");
  if (details.length > 0) return { error: validationError("The request is not valid.", details) };
  return { ok: { params, query, body } };
}
