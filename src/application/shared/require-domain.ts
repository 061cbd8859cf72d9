import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type Domain,
  type DomainId,
  type DomainNotFound,
  domainNotFound,
} from "../../domain/index.js";
import type { LockKeys, StoreError, Stores, UnitOfWork } from "../ports/index.js";

export async function requireDomain(
  stores: Pick<Stores, "domains">,
  domainId: DomainId,
): Promise<Result<Domain, DomainNotFound>> {
  const domain = await stores.domains.get(domainId);
  return domain ? ok(domain) : err(domainNotFound(domainId));
}

/** Runs `work` in a transaction holding `locks`, given the domain, which must exist. */
export function transactionInDomain<T, E>(
  uow: UnitOfWork,
  domainId: DomainId,
  locks: LockKeys,
  work: (stores: Stores, domain: Domain) => Promise<Result<T, E>>,
): ResultAsync<T, E | DomainNotFound | StoreError> {
  return uow.transaction(locks, async (stores): Promise<Result<T, E | DomainNotFound>> => {
    const domain = await requireDomain(stores, domainId);
    return domain.isErr() ? err(domain.error) : work(stores, domain.value);
  });
}
