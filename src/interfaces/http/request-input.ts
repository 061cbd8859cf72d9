import express, { type NextFunction, type Request, type Response } from "express";
import type { z } from "zod";
import { type HttpError, sendError, validationError } from "./http-errors.js";
import type { RouteDefinition } from "./route-kit.js";

export const JSON_LIMIT = "100kb";
const JSON_LIMIT_BYTES = 100 * 1024;

const hasBody = (request: Request) =>
  request.headers["transfer-encoding"] !== undefined ||
  Number(request.headers["content-length"] ?? 0) > 0;

const jsonParser = express.json({ limit: JSON_LIMIT, strict: true, type: () => true });

/** The media types of a body read by `plainJsonBody`: anything else goes to `jsonParser`. */
const PLAIN_JSON = new Set([
  "application/json",
  "application/json; charset=utf-8",
  "application/json;charset=utf-8",
]);

/** An error as body-parser reports it, for the error handler (app.ts) to answer. */
const bodyError = (type: string, message: string) =>
  Object.assign(new Error(message), { type, status: 400, expose: true });

/**
 * The common case of `jsonParser`, without its layers: a UTF-8 JSON body of a known length
 * within the limit, neither compressed nor chunked. It answers as body-parser does: a UTF-8
 * byte order mark is dropped, an empty body is `{}`, a body that is not an object or an array
 * (strict) or not JSON is `entity.parse.failed`, one that ends short or is cut off is a 400.
 */
function plainJsonBody(request: Request, length: number, next: NextFunction) {
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const fail = (error: Error) => {
    if (settled) return;
    settled = true;
    next(error);
  };
  request.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  request.on("aborted", () => fail(bodyError("request.aborted", "request aborted")));
  request.on("error", (error) => fail(error));
  request.on("end", () => {
    if (settled) return;
    if (received !== length)
      return fail(bodyError("request.size.invalid", "request size did not match content length"));
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const text = bytes.toString("utf8", bom);
    let body: unknown;
    try {
      body = text.length === 0 ? {} : strictJson(text);
    } catch (error) {
      return fail(Object.assign(error as Error, { type: "entity.parse.failed", status: 400 }));
    }
    settled = true;
    request.body = body;
    next();
  });
}

function strictJson(text: string): unknown {
  const first = /^[ \t\n\r]*(.)/s.exec(text)?.[1];
  if (first !== "{" && first !== "[") throw new SyntaxError("Unexpected token in JSON");
  return JSON.parse(text);
}

/** The body's length when `plainJsonBody` can read it, else null. */
function plainLength(request: Request): number | null {
  const { headers } = request;
  if (headers["transfer-encoding"] !== undefined) return null;
  const encoding = headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") return null;
  const type = headers["content-type"]?.toLowerCase();
  if (type === undefined || !PLAIN_JSON.has(type)) return null;
  const length = Number(headers["content-length"]);
  return Number.isSafeInteger(length) && length > 0 && length <= JSON_LIMIT_BYTES ? length : null;
}

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
    const length = plainLength(request);
    if (length === null) jsonParser(request, response, next);
    else plainJsonBody(request, length, next);
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
