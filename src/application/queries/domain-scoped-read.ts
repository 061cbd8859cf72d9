import { err, errAsync, type Result, type ResultAsync } from "neverthrow";
import type { DomainId, DomainNotFound, ValidationFailed } from "../../domain/index.js";
import type { StoreError, Stores, UnitOfWork } from "../ports/index.js";
import { checkIds, type IdFields } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";

export type DomainReadError = ValidationFailed | DomainNotFound | StoreError;

/** A read under `/v1/domains/{id}/…`: checks the ids and that the domain exists first. */
export function readInDomain<T, E>(
  uow: UnitOfWork,
  ids: { domainId: DomainId } & IdFields,
  work: (stores: Stores) => Promise<Result<T, E>>,
): ResultAsync<T, E | DomainReadError> {
  const invalid = checkIds(ids);
  if (invalid) return errAsync(invalid);
  return uow.read(async (stores): Promise<Result<T, E | DomainNotFound>> => {
    const domain = await requireDomain(stores, ids.domainId);
    if (domain.isErr()) return err(domain.error);
    return work(stores);
  });
}
