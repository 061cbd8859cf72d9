import type { Container } from "inversify";
import {
  buildContainer,
  type ContainerOptions,
} from "./infrastructure/container/composition-root.js";
import { TOKENS } from "./infrastructure/container/tokens.js";
import type { StoreRuntime } from "./infrastructure/persistence/store-runtime.js";

export * from "./application/index.js";
export * from "./domain/index.js";
export type { ContainerOptions as CivilinkOptions } from "./infrastructure/container/composition-root.js";
export { buildContainer } from "./infrastructure/container/composition-root.js";
export { TOKENS } from "./infrastructure/container/tokens.js";
export { MemoryStore } from "./infrastructure/persistence/memory/memory-store.js";
export { SqlStore } from "./infrastructure/persistence/sql/sql-store.js";
export type { StoreRuntime } from "./infrastructure/persistence/store-runtime.js";

const USE_CASES = {
  linkOnRegistration: TOKENS.LinkOnRegistration,
  linkOnLogin: TOKENS.LinkOnLogin,
  linkOnInteraction: TOKENS.LinkOnInteraction,
  syncUserEmail: TOKENS.SyncUserEmail,
  recordAnonymousInteraction: TOKENS.RecordAnonymousInteraction,
  unlinkUser: TOKENS.UnlinkUser,
  createContact: TOKENS.CreateContact,
  updateContact: TOKENS.UpdateContact,
  syncContactEmail: TOKENS.SyncContactEmail,
  trashContact: TOKENS.TrashContact,
  putDomain: TOKENS.PutDomain,
  synchronizeAllUsers: TOKENS.SynchronizeAllUsers,
  getDomain: TOKENS.GetDomain,
  listDomains: TOKENS.ListDomains,
  getLink: TOKENS.GetLink,
  listLinks: TOKENS.ListLinks,
  getContact: TOKENS.GetContact,
  findContactsByEmail: TOKENS.FindContactsByEmail,
  listAudit: TOKENS.ListAudit,
  listOutbox: TOKENS.ListOutbox,
  listUsers: TOKENS.ListUsers,
} as const;

type UseCaseTokens = typeof USE_CASES;

/** Every use case by name, each with its `execute(input)` returning a `ResultAsync`. */
export type Civilink = {
  [Name in keyof UseCaseTokens]: UseCaseTokens[Name] extends { readonly __type?: infer T }
    ? T
    : never;
} & {
  /** The store behind the use cases: its unit of work, readiness and lifecycle. */
  readonly store: StoreRuntime;
  readonly container: Container;
  /** Releases the store's connections or files. */
  close(): Promise<void>;
};

/**
 * Builds civilink for embedding: `createCivilink({ store: "memory" })` gives every use case
 * without knowing the container behind them.
 */
export function createCivilink(options: ContainerOptions): Civilink {
  const container = buildContainer(options);
  const useCases = Object.fromEntries(
    Object.entries(USE_CASES).map(([name, token]) => [name, container.get<unknown>(token)]),
  );
  const store = container.get(TOKENS.Store);
  return { ...useCases, store, container, close: () => store.close() } as Civilink;
}
