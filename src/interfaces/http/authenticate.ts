import type { NextFunction, Request, Response } from "express";
import { type ApiKey, allows, findKey, type RouteScope } from "./api-keys.js";
import { sendError } from "./http-errors.js";

/**
 * Checks the bearer key and its scope (`any`: a valid key is enough); the key is left in
 * `response.locals.apiKey`. A request without a valid key is answered 401 and reported to
 * `failed` (the failed-authentication limit).
 */
export function authenticate(
  keys: readonly ApiKey[],
  scope: RouteScope,
  failed: (request: Request) => void,
) {
  return (request: Request, response: Response, next: NextFunction) => {
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match ? findKey(keys, match[1] as string) : undefined;
    if (!key) {
      failed(request);
      response.setHeader("WWW-Authenticate", 'Bearer realm="civilink"');
      sendError(response, {
        kind: "Unauthenticated",
        message: "Send a valid API key as Authorization: Bearer <key>.",
      });
      return;
    }
    if (!allows(key, scope)) {
      sendError(response, {
        kind: "Forbidden",
        message: `The key "${key.name}" lacks the scope "${scope}".`,
      });
      return;
    }
    response.locals.apiKey = key;
    next();
  };
}
