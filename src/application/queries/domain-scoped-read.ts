import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import type { DomainId, DomainNotFound, ValidationFailed } from "../../domain/index.js";
import type { Page, PageRequest, StoreError, Stores, UnitOfWork } from "../ports/index.js";
import { checkIds, type IdFields } from "../shared/errors.js";
import {
  type CursorPage,
  type CursorRequest,
  cursorPageOf,
  pageRequestOf,
} from "../shared/paging.js";
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

/** A listing's paging and the domain it lists. */
export type DomainPageRequest = CursorRequest & { domainId: DomainId };

/** The optional fields the caller gave, as a filter: those it left out are not in it. */
export function givenFields<I extends object, K extends keyof I>(
  input: I,
  keys: readonly K[],
): Partial<Pick<I, K>> {
  const given: Partial<Pick<I, K>> = {};
  for (const key of keys) if (input[key] !== undefined) given[key] = input[key];
  return given;
}

/**
 * A page of a listing under `/v1/domains/{id}/…`: the limit and cursor checked first, then the
 * filter the caller gave (its ids among the ids checked), then the domain's existence.
 */
export function pageInDomain<F extends object, T>(
  uow: UnitOfWork,
  input: DomainPageRequest,
  filterOf: () => Result<F, ValidationFailed>,
  list: (stores: Stores, filter: F, page: PageRequest) => Promise<Page<T>>,
): ResultAsync<CursorPage<T>, DomainReadError> {
  const page = pageRequestOf(input);
  if (page.isErr()) return errAsync(page.error);
  const filter = filterOf();
  if (filter.isErr()) return errAsync(filter.error);
  const ids = { domainId: input.domainId, ...filter.value };
  return readInDomain(uow, ids, async (stores) =>
    ok(cursorPageOf(await list(stores, filter.value, page.value))),
  );
}
