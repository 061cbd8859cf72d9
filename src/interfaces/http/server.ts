import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Container } from "inversify";
import type { Logger } from "pino";
import type { StartSyncJob } from "../../application/index.js";
import { type HttpBounds, resolveUseCases, TOKENS } from "../../infrastructure/container/index.js";
import type { ApiKey } from "./api-keys.js";
import { createHttpApp } from "./app.js";
import { boundedHttpServer } from "./bounded-http-server.js";
import { answerParserErrors } from "./parser-errors.js";
import { API_ROUTES } from "./routes/index.js";

export interface ServerOptions {
  container: Container;
  apiKeys: readonly ApiKey[];
  logger: Logger;
  rateLimitPerMinute: number;
  authFailuresPerMinute: number;
  /** Timeouts, connections and header size the server allows. */
  bounds: HttpBounds;
  host: string;
  port: number;
  /** How long a shutdown lets running sync jobs finish before it stops them (default 8 s). */
  syncJobGraceMs?: number;
}

export interface RunningServer {
  url: string;
  /**
   * Stops taking connections, lets requests in flight and running sync jobs finish (for a
   * while; jobs still running then end `failed`), then closes the store (for a while). Always
   * resolves within about 15 s, whatever the store does.
   */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;
const SYNC_JOB_GRACE_MS = 8_000;
/** How long stopped sync jobs get to record that they failed. */
const SYNC_JOB_STOP_MS = 2_000;
const SYNC_JOB_STOPPED = "The sync stopped: the server shut down before it finished.";
/** How long closing the store may take once everything else has stopped. */
const STORE_CLOSE_GRACE_MS = 3_000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = options.container.get(TOKENS.Store);
  const useCases = resolveUseCases(options.container);
  const app = createHttpApp({
    routes: API_ROUTES,
    useCases,
    store,
    apiKeys: options.apiKeys,
    logger: options.logger,
    rateLimitPerMinute: options.rateLimitPerMinute,
    authFailuresPerMinute: options.authFailuresPerMinute,
  });
  const server = boundedHttpServer(app, options.bounds);
  answerParserErrors(server, options.logger);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | null = null;
  const closeAfterAnswer = closingConnectionsAfterAnswers(server);
  return {
    url: `http://${host}:${address.port}`,
    stop: () => {
      stopping ??= (async () => {
        const jobsDeadline = Date.now() + (options.syncJobGraceMs ?? SYNC_JOB_GRACE_MS);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          closeAfterAnswer();
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        });
        // No request can start a job any more: let the running ones end, or stop them.
        await settleSyncJobs(useCases.startSyncJob, jobsDeadline - Date.now());
        // A store that hangs (a server that stopped answering) must not hold the shutdown.
        await settlesWithin(store.close(), STORE_CLOSE_GRACE_MS);
      })();
      return stopping;
    },
  };
}

/**
 * Answers a switch that makes every connection close after the answer it is working on (and
 * any request still arriving on it): otherwise a client's keep-alive connection would hold
 * the shutdown until it idles out, or be cut mid-request by the grace timeout.
 */
function closingConnectionsAfterAnswers(server: Server): () => void {
  let closing = false;
  const answering = new Set<ServerResponse>();
  server.prependListener("request", (_request, response: ServerResponse) => {
    if (closing) {
      response.setHeader("Connection", "close");
      return;
    }
    answering.add(response);
    response.once("close", () => answering.delete(response));
  });
  return () => {
    closing = true;
    for (const response of answering) {
      if (!response.headersSent) response.setHeader("Connection", "close");
      else response.once("finish", () => setImmediate(() => server.closeIdleConnections()));
    }
    answering.clear();
  };
}

/** Whether `promise` settled within `ms`. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Waits for the running sync jobs until the deadline, then stops them and lets them say so. */
async function settleSyncJobs(jobs: StartSyncJob, remainingMs: number): Promise<void> {
  if (await settlesWithin(jobs.whenIdle(), remainingMs)) return;
  jobs.stopAll(SYNC_JOB_STOPPED);
  await settlesWithin(jobs.whenIdle(), SYNC_JOB_STOP_MS);
}
