import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { loggableUrl } from "./loggable-url.js";

declare module "http" {
  interface IncomingMessage {
    /** The request's logger: its lines carry the request id as `reqId`. */
    log: Logger;
  }
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The request's id: its `X-Request-Id` when that is a short token, else a new one; echoed. */
function requestIdOf(request: Request, response: Response): string {
  const given = request.headers["x-request-id"];
  const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader("X-Request-Id", id);
  return id;
}

/** `request.log`, a child logger with `reqId` built on first use only: most requests log nothing. */
function lazyRequestLogger(request: Request, logger: Logger, id: string) {
  let child: Logger | undefined;
  Object.defineProperty(request, "log", {
    configurable: true,
    get: () => {
      child ??= logger.child({ reqId: id });
      return child;
    },
  });
}

/**
 * At info level and below, one line per request once it is answered or its client went away:
 * `request completed` (`request errored` at error level for a 5xx) with its id, method, URL
 * without query values, status and time taken, as pino-http wrote it. It is written straight
 * from the logger: no child logger and one listener a request, for this is the hot path. Above
 * info (warn and up) a request logs nothing unless it fails.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const perRequest = logger.isLevelEnabled("info");
  return (request, response, next) => {
    const id = requestIdOf(request, response);
    lazyRequestLogger(request, logger, id);
    if (perRequest) {
      const started = Date.now();
      const { method, url } = request;
      response.once("close", () => {
        const line = {
          reqId: id,
          req: { id, method, url: loggableUrl(url) },
          res: { statusCode: response.statusCode },
          responseTime: Date.now() - started,
        };
        if (response.statusCode >= 500) {
          const err = new Error(`failed with status code ${response.statusCode}`);
          logger.error({ ...line, err }, "request errored");
        } else logger.info(line, "request completed");
      });
    }
    next();
  };
}
