import type { Command } from "commander";
import { pino } from "pino";
import { adminKeyIn } from "../../http/admin-key.js";
import { type ApiKey, parseApiKeys } from "../../http/api-keys.js";
import { startServer } from "../../http/server.js";
import { CliFailure, EXIT } from "../exit-codes.js";
import { cliConfig, openStore } from "../open-store.js";
import { portOption } from "../options.js";

/** How long the process may take to exit by itself once the server stopped. */
const EXIT_GRACE_MS = 2_000;

export function registerServe(program: Command) {
  program
    .command("serve")
    .description("run the HTTP API")
    .option("--port <port>", "port to listen on (0: any free port)", portOption, 3000)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .action(async (options: { port: number; host: string }) => {
      const config = cliConfig();
      const configured = configuredKeys(config.apiKeys);
      const { container, store } = await openStore(config);
      const keys = configured ?? (await generatedAdminKey(config.dataDir));
      const logger = pino({
        level: config.logLevel,
        redact: ["req.headers.authorization", "*.authorization"],
      });
      const server = await startServer({
        container,
        apiKeys: keys.keys,
        logger,
        rateLimitPerMinute: config.rateLimitPerMinute,
        authFailuresPerMinute: config.authFailuresPerMinute,
        bounds: config.http,
        host: options.host,
        port: options.port,
      }).catch(async (cause: Error) => {
        await store.close();
        throw new CliFailure(
          `cannot listen on ${options.host}:${options.port}: ${cause.message}`,
          EXIT.badInput,
        );
      });
      // One write, so that a reader of the first line has the key line too.
      const keyLine = keys.newSecret
        ? `Admin API key, shown only now (set CIVILINK_API_KEYS to choose your own): ${keys.newSecret}\n`
        : "";
      process.stdout.write(
        `civilink listening on ${server.url} (store: ${config.store.store})\n${keyLine}`,
      );
      await new Promise<void>((resolve) => {
        const shutdown = () => {
          logger.info("shutting down");
          void server.stop().then(resolve);
        };
        process.once("SIGTERM", shutdown);
        process.once("SIGINT", shutdown);
      });
      // Sockets of a store that stopped answering may keep the process alive: exit anyway.
      setTimeout(() => process.exit(process.exitCode ?? EXIT.done), EXIT_GRACE_MS).unref();
    });
}

/** The keys of CIVILINK_API_KEYS, checked before anything is opened; null when unset. */
function configuredKeys(
  configured: string | undefined,
): { keys: ApiKey[]; newSecret: null } | null {
  if (configured === undefined) return null;
  const keys = parseApiKeys(configured);
  if (typeof keys === "string") {
    throw new CliFailure(`invalid configuration: CIVILINK_API_KEYS: ${keys}`, EXIT.badInput);
  }
  return { keys, newSecret: null };
}

async function generatedAdminKey(
  dataDir: string,
): Promise<{ keys: ApiKey[]; newSecret: string | null }> {
  const { key, newSecret } = await adminKeyIn(dataDir);
  return { keys: [key], newSecret };
}
