import { err, errAsync, ok, type ResultAsync } from "neverthrow";
import type { Domain, DomainId, DomainNotFound, ValidationFailed } from "../../domain/index.js";
import { domainNotFound } from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";

export class ListDomains {
  constructor(private readonly uow: UnitOfWork) {}

  execute(): ResultAsync<Domain[], StoreError> {
    return this.uow.read(async (stores) => ok(await stores.domains.list()));
  }
}

export class GetDomain {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: {
    domainId: DomainId;
  }): ResultAsync<Domain, ValidationFailed | DomainNotFound | StoreError> {
    const invalid = checkIds({ domainId: input.domainId });
    if (invalid) return errAsync(invalid);
    return this.uow.read(async (stores) => {
      const domain = await stores.domains.get(input.domainId);
      return domain ? ok(domain) : err(domainNotFound(input.domainId));
    });
  }
}
