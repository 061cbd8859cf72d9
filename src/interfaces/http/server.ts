import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Container } from "inversify";
import type { Logger } from "pino";
import { TOKENS } from "../../infrastructure/container/tokens.js";
import { resolveUseCases } from "../../infrastructure/container/use-cases.js";
import type { ApiKey } from "./api-keys.js";
import { createHttpApp } from "./app.js";
import { API_ROUTES } from "./routes/index.js";

export interface ServerOptions {
  container: Container;
  apiKeys: readonly ApiKey[];
  logger: Logger;
  rateLimitPerMinute: number;
  host: string;
  port: number;
}

export interface RunningServer {
  url: string;
  /** Stops taking connections, lets requests in flight finish, then closes the store. */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = options.container.get(TOKENS.Store);
  const app = createHttpApp({
    routes: API_ROUTES,
    useCases: resolveUseCases(options.container),
    store,
    apiKeys: options.apiKeys,
    logger: options.logger,
    rateLimitPerMinute: options.rateLimitPerMinute,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
    listening.once("error", reject);
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    stop: () => {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        });
        await store.close();
      })();
      return stopping;
    },
  };
}
