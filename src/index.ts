import type { Container } from "inversify";
import type { UnitOfWork } from "./application/index.js";
import {
  buildContainer,
  type ContainerOptions,
} from "./infrastructure/container/composition-root.js";
import { TOKENS } from "./infrastructure/container/tokens.js";

export * from "./application/index.js";
export * from "./domain/index.js";
export type { ContainerOptions as CivilinkOptions } from "./infrastructure/container/composition-root.js";
export { buildContainer } from "./infrastructure/container/composition-root.js";
export { TOKENS } from "./infrastructure/container/tokens.js";
export { MemoryStore } from "./infrastructure/persistence/memory/memory-store.js";

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
  /** The store behind the use cases (its unit of work). */
  readonly store: UnitOfWork;
  readonly container: Container;
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
  return { ...useCases, store: container.get(TOKENS.UnitOfWork), container } as Civilink;
}
