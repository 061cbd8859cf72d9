import type { RequestHandler } from "express";
import type { ApiKey } from "./api-keys.js";
import { FixedWindowCounter } from "./fixed-window.js";
import { sendError } from "./http-errors.js";

const WINDOW_MS = 60_000;
const POLICY_WINDOW_SECONDS = Math.ceil(WINDOW_MS / 1000);

/**
 * `perMinute` requests a minute per API key (after authentication), each window starting at
 * the key's first request after the previous one ended; past it, 429 RateLimited with
 * Retry-After. Every answer carries the IETF draft-7 headers `RateLimit-Policy` and
 * `RateLimit` (limit, remaining, seconds to reset). 0 turns it off.
 */
export function perKeyRateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_request, _response, next) => next();
  const requests = new FixedWindowCounter(WINDOW_MS);
  const policy = `${perMinute};w=${POLICY_WINDOW_SECONDS}`;
  return (_request, response, next) => {
    const now = Date.now();
    const window = requests.count((response.locals.apiKey as ApiKey).name, now);
    const reset = String(Math.max(0, Math.ceil((window.resetAt - now) / 1000)));
    const remaining = Math.max(perMinute - window.hits, 0);
    response.setHeader("RateLimit-Policy", policy);
    response.setHeader("RateLimit", `limit=${perMinute}, remaining=${remaining}, reset=${reset}`);
    if (window.hits <= perMinute) return next();
    response.setHeader("Retry-After", reset);
    sendError(response, {
      kind: "RateLimited",
      message: `More than ${perMinute} requests a minute for this key; slow down.`,
    });
  };
}
