import type { Container } from "inversify";
import {
  buildContainer,
  type Config,
  loadConfig,
  type StoreRuntime,
  TOKENS,
} from "../../infrastructure/container/index.js";
import { CliFailure, EXIT } from "./exit-codes.js";
import { cliFailureOf } from "./use-case-failure.js";

export interface OpenedStore {
  container: Container;
  store: StoreRuntime;
  config: Config;
}

/**
 * Builds civilink on the store the environment selects and brings its schema up to date, as
 * every command does before its work.
 */
export async function openStore(config: Config = cliConfig()): Promise<OpenedStore> {
  const container = buildContainer({
    ...config.store,
    cms: config.cms,
    syncBatchSize: config.syncBatchSize,
  });
  const store = container.get(TOKENS.Store);
  const prepared = await store.prepare();
  if (prepared.isErr()) {
    await store.close();
    const failure = cliFailureOf(prepared.error);
    throw new CliFailure(`cannot open the store: ${failure.message}`, failure.code);
  }
  return { container, store, config };
}

/** The configuration from the environment, or the CLI's one-line failure (exit 2). */
export function cliConfig(): Config {
  const config = loadConfig();
  if (config.isErr()) {
    throw new CliFailure(`invalid configuration: ${config.error.message}`, EXIT.badInput);
  }
  return config.value;
}
