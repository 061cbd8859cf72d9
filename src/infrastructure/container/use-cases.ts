import type { Container } from "inversify";
import { USE_CASE_TABLE } from "./use-case-table.js";
import { type ExposedOf, tokenOf } from "./wiring-table.js";

/** The use cases by the names the library and the interfaces call them. */
export type UseCases = ExposedOf<typeof USE_CASE_TABLE>;

export function resolveUseCases(container: Container): UseCases {
  return Object.fromEntries(
    USE_CASE_TABLE.entries
      .filter((entry) => entry.exposed)
      .map(({ name }) => [name, container.get<unknown>(tokenOf(name))]),
  ) as UseCases;
}
