import { errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type Domain,
  type DomainDefinition,
  type DomainId,
  defineDomain,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds, checkTexts } from "../shared/errors.js";

export type PutDomainError = ValidationFailed | StoreError;

/** Creates a domain or replaces it whole (§11). */
export class PutDomain {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: {
    domainId: DomainId;
    definition: DomainDefinition;
  }): ResultAsync<Domain, PutDomainError> {
    const invalid =
      checkIds({ domainId: input.domainId }) ?? checkTexts({ definition: input.definition });
    if (invalid) return errAsync(invalid);
    const domain = defineDomain(input.domainId, input.definition);
    if (domain.isErr()) return errAsync(domain.error);
    return this.uow.transaction({}, async (stores) => {
      await stores.domains.put(domain.value);
      return ok(domain.value);
    });
  }
}
