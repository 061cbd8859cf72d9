import type { Request, RequestHandler } from "express";
import { ipKeyGenerator } from "express-rate-limit";
import { FixedWindowCounter, secondsUntil } from "./fixed-window.js";
import { sendError } from "./http-errors.js";

const WINDOW_MS = 60_000;

export interface FailedAuthenticationLimit {
  /** Refuses every keyed request from an address that is over the limit (429). */
  guard: RequestHandler;
  /** Counts a request answered 401 against its address. */
  failed(request: Request): void;
}

/**
 * Limits the requests that fail authentication (401) per client address, so that keys cannot
 * be guessed at speed. The guard goes before the key check: once an address is over the limit,
 * every keyed request from it is refused until the minute that began with its first failure
 * has passed, with a valid key too, or the guessing could go on. Only 401 answers count, when
 * they are given; while no address has failed, the guard is one size check. 0 turns it off.
 */
export function failedAuthenticationLimit(perMinute: number): FailedAuthenticationLimit {
  if (perMinute <= 0) return { guard: (_request, _response, next) => next(), failed: () => {} };
  const failures = new FixedWindowCounter(WINDOW_MS);
  return {
    guard: (request, response, next) => {
      if (failures.empty) return next();
      const window = failures.peek(addressOf(request));
      if (!window || window.hits < perMinute) return next();
      response.setHeader("Retry-After", String(secondsUntil(window.resetAt)));
      sendError(response, {
        kind: "RateLimited",
        message: `More than ${perMinute} requests a minute from this address failed authentication; wait before trying again.`,
      });
    },
    failed: (request) => {
      failures.count(addressOf(request));
    },
  };
}

/** The socket's address (no proxy is trusted); IPv6 addresses count per /56 network. */
const addressOf = (request: Request) =>
  ipKeyGenerator(request.ip ?? request.socket.remoteAddress ?? "unknown");
