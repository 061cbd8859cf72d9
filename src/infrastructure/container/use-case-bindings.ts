import type { Container } from "inversify";
import { USE_CASE_TABLE } from "./use-case-table.js";
import { type AdaptersOf, tokenOf } from "./wiring-table.js";

/** What the composition root hands to the container: the adapter behind each name. */
export type Adapters = AdaptersOf<typeof USE_CASE_TABLE>;

/**
 * Binds the adapters, and every use case of the table as a singleton built from what it
 * needs. The use cases themselves carry no decorators, so the application layer knows
 * nothing of Inversify.
 */
export function bindUseCases(container: Container, adapters: Adapters) {
  for (const name of USE_CASE_TABLE.adapters) {
    container.bind(tokenOf(name)).toConstantValue(adapters[name as keyof Adapters]);
  }
  for (const { name, needs, build } of USE_CASE_TABLE.entries) {
    container
      .bind(tokenOf(name))
      .toResolvedValue(
        (...resolved: unknown[]) => new build(...(resolved as never[])),
        needs.map(tokenOf),
      )
      .inSingletonScope();
  }
}
