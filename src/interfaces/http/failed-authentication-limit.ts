import type { Request, RequestHandler } from "express";
import { type AugmentedRequest, ipKeyGenerator, rateLimit } from "express-rate-limit";
import { sendError } from "./http-errors.js";

const WINDOW_MS = 60_000;
/** Where express-rate-limit leaves its count on the request (the per-key limit has its own). */
const INFO_PROPERTY = "failedAuthentications";

/**
 * Limits the requests that fail authentication (401) per client address, so that keys cannot
 * be guessed at speed. It goes before the key check: once an address is over the limit, every
 * keyed request from it is refused until the minute has passed, with a valid key too, or the
 * guessing could go on. 0 turns it off.
 */
export function failedAuthenticationLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_request, _response, next) => next();
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: false,
    legacyHeaders: false,
    requestPropertyName: INFO_PROPERTY,
    // The socket's address (no proxy is trusted); IPv6 addresses count per /56 network.
    keyGenerator: (request) => ipKeyGenerator(clientAddress(request)),
    // express-rate-limit forgets the requests it deems failed: here every one that was not
    // answered 401, also one whose client went away before the answer, so only 401s count.
    skipFailedRequests: true,
    requestWasSuccessful: (_request, response) => response.statusCode === 401,
    handler: (request, response) => {
      response.setHeader("Retry-After", String(secondsUntilReset(request)));
      sendError(response, {
        kind: "RateLimited",
        message: `More than ${perMinute} requests a minute from this address failed authentication; wait before trying again.`,
      });
    },
  });
}

const clientAddress = (request: Request) => request.ip ?? request.socket.remoteAddress ?? "unknown";

function secondsUntilReset(request: Request): number {
  const resetTime = (request as AugmentedRequest)[INFO_PROPERTY]?.resetTime;
  const left = resetTime ? resetTime.getTime() - Date.now() : WINDOW_MS;
  return Math.max(1, Math.ceil(left / 1000));
}
