import { Container } from "inversify";
import { type Clock, systemClock } from "../../application/index.js";
import { type CmsKind, defaultDomain } from "../../domain/index.js";
import { MemoryStore, type MemoryStoreOptions } from "../persistence/memory/memory-store.js";
import { TOKENS, type Token } from "./tokens.js";
import { bindUseCases } from "./use-case-bindings.js";

export type StoreKind = "memory";

export interface ContainerOptions {
  store: StoreKind;
  /** CMS of domain 1, which exists from the start (default drupal). */
  cms?: CmsKind;
  clock?: Clock;
  /** Only for the memory store: fault injection for tests. */
  memory?: Pick<MemoryStoreOptions, "failWhen">;
}

/** The one place where ports meet adapters; tests, the server and the CLI all build here. */
export function buildContainer(options: ContainerOptions): Container {
  const container = new Container();
  container.bind(TOKENS.Clock).toConstantValue(options.clock ?? systemClock);
  container.bind(TOKENS.UnitOfWork).toConstantValue(buildStore(options));
  bindUseCases(container);
  return container;
}

function buildStore(options: ContainerOptions) {
  switch (options.store) {
    case "memory":
      return MemoryStore.create({
        domains: [defaultDomain(options.cms ?? "drupal")],
        ...(options.memory ?? {}),
      });
    default:
      return options.store satisfies never;
  }
}

export const resolve = <T>(container: Container, token: Token<T>): T => container.get<T>(token);
