import type { Container } from "inversify";
import {
  buildContainer,
  type ContainerOptions,
} from "./infrastructure/container/composition-root.js";
import { TOKENS } from "./infrastructure/container/tokens.js";
import { resolveUseCases, type UseCases } from "./infrastructure/container/use-cases.js";
import type { StoreRuntime } from "./infrastructure/persistence/store-runtime.js";

export * from "./application/index.js";
export * from "./domain/index.js";
export type { ContainerOptions as CivilinkOptions } from "./infrastructure/container/composition-root.js";
export { buildContainer } from "./infrastructure/container/composition-root.js";
export { TOKENS } from "./infrastructure/container/tokens.js";
export type { UseCases } from "./infrastructure/container/use-cases.js";
export { MemoryStore } from "./infrastructure/persistence/memory/memory-store.js";
export { SqlStore } from "./infrastructure/persistence/sql/sql-store.js";
export type { StoreRuntime } from "./infrastructure/persistence/store-runtime.js";
export { InProcessSyncJobRunner } from "./infrastructure/runtime/in-process-sync-job-runner.js";
export { randomIds } from "./infrastructure/runtime/random-ids.js";
export { systemClock } from "./infrastructure/runtime/system-clock.js";

/** Every use case by name, each with its `execute(input)` returning a `ResultAsync`. */
export type Civilink = UseCases & {
  /** The store behind the use cases: its unit of work, readiness and lifecycle. */
  readonly store: StoreRuntime;
  readonly container: Container;
  /** Stops the running sync jobs (they end failed), then releases the store's connections or files. */
  close(): Promise<void>;
};

/**
 * Builds civilink for embedding: `createCivilink({ store: "memory" })` gives every use case
 * without knowing the container behind them.
 */
export function createCivilink(options: ContainerOptions): Civilink {
  const container = buildContainer(options);
  const store = container.get(TOKENS.Store);
  const useCases = resolveUseCases(container);
  const close = async () => {
    // A running sync ends failed, saying so, before its store goes.
    useCases.startSyncJob.stopAll(CLOSED_DURING_SYNC);
    await useCases.startSyncJob.whenIdle();
    await store.close();
  };
  return { ...useCases, store, container, close };
}

const CLOSED_DURING_SYNC = "The sync stopped: civilink was closed before it finished.";
