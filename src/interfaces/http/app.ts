import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { StoreRuntime, UseCases } from "../../infrastructure/container/index.js";
import { CONSOLE_PATH, consoleAssets } from "./admin-console.js";
import type { ApiKey } from "./api-keys.js";
import { authenticate } from "./authenticate.js";
import { DOCS_PATH, docsAssets } from "./docs-page.js";
import { failedAuthenticationLimit } from "./failed-authentication-limit.js";
import { sendError, validationError } from "./http-errors.js";
import { perKeyRateLimit } from "./per-key-rate-limit.js";
import { jsonBody, streamMediaType, validatedInput } from "./request-input.js";
import { requestLogging } from "./request-logging.js";
import type { RouteDefinition } from "./route-kit.js";

export interface HttpAppOptions {
  routes: readonly RouteDefinition[];
  useCases: UseCases;
  store: StoreRuntime;
  apiKeys: readonly ApiKey[];
  logger: Logger;
  /** Requests per minute per API key; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Requests per minute per client address that may fail authentication; 0: no limit. */
  authFailuresPerMinute: number;
}

const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

/** People type `/docs/` as often as `/docs`, so pages take both; API routes are strict. */
const routePaths = (route: RouteDefinition) =>
  route.page ? [route.path, `${route.path}/`] : [expressPath(route.path)];

/** The Express application: every route of docs/contract.md, its errors, and nothing else. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  // Before any route: the router is built with these on first use. `/V1/DOMAINS` and
  // `/v1/domains/` are not routes of docs/contract.md, so they are 404 like any other unknown path.
  app.set("case sensitive routing", true);
  app.set("strict routing", true);
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(requestLogging(options.logger));
  app.use(helmet());
  const failedAuthentications = failedAuthenticationLimit(options.authFailuresPerMinute);
  const limit = perKeyRateLimit(options.rateLimitPerMinute);
  for (const route of options.routes) {
    const handlers: RequestHandler[] = [];
    if (route.scope) {
      handlers.push(
        failedAuthentications.guard,
        authenticate(options.apiKeys, route.scope, failedAuthentications.failed),
        limit,
      );
    }
    handlers.push(route.stream ? streamMediaType(route) : jsonBody(route));
    handlers.push(async (request, response) => {
      const input = validatedInput(route, request);
      if ("error" in input) return sendError(response, input.error);
      const reply = await route.handle(input.ok as never, {
        useCases: options.useCases,
        store: options.store,
        request,
        response,
      });
      if ("error" in reply) return sendError(response, reply.error);
      for (const [name, value] of Object.entries(reply.headers ?? {}))
        response.setHeader(name, value);
      if (reply.body === undefined) response.status(reply.status).end();
      else if (reply.contentType)
        response.status(reply.status).type(reply.contentType).send(reply.body);
      else response.status(reply.status).json(reply.body);
    });
    app[route.method](routePaths(route), ...handlers);
  }
  if (options.routes.some((route) => route.path === DOCS_PATH)) app.use(DOCS_PATH, docsAssets());
  if (options.routes.some((route) => route.path === CONSOLE_PATH)) app.use(...consoleAssets());
  app.use((request, response) => {
    sendError(response, {
      kind: "NotFound",
      message: `There is no route ${request.method} ${request.path}.`,
    });
  });
  app.use(errorHandler);
  return app;
}

/** Errors thrown before a handler answered: body parsing, or a bug (500 without details). */
const errorHandler: ErrorRequestHandler = (error, _request, response, _next) => {
  if (response.headersSent) return;
  if (error instanceof URIError) {
    // The router could not percent-decode a path parameter: a path id that is no integer.
    return sendError(
      response,
      validationError("The request is not valid.", [
        { path: "path", message: "is not valid percent-encoding" },
      ]),
    );
  }
  const type = (error as { type?: string }).type;
  if (type === "entity.parse.failed") {
    return sendError(response, { kind: "MalformedJson", message: "The body is not valid JSON." });
  }
  if (type === "entity.too.large") {
    return sendError(response, {
      kind: "PayloadTooLarge",
      message: "The body is larger than 100 kB.",
    });
  }
  if (type === "charset.unsupported" || type === "encoding.unsupported") {
    return sendError(response, {
      kind: "UnsupportedMediaType",
      message: "Send the body as UTF-8 JSON.",
    });
  }
  if ((error as { status?: number }).status === 400) {
    return sendError(response, { kind: "MalformedJson", message: "The body could not be read." });
  }
  sendError(response, {
    kind: "Internal",
    message: "Something went wrong on our side.",
    logged: { message: "unhandled error", cause: error },
  });
};
