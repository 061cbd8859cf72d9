import { err, ok, type Result } from "neverthrow";
import {
  type Domain,
  type DomainId,
  type DomainNotFound,
  domainNotFound,
} from "../../domain/index.js";
import type { Stores } from "../ports/index.js";

export async function requireDomain(
  stores: Pick<Stores, "domains">,
  domainId: DomainId,
): Promise<Result<Domain, DomainNotFound>> {
  const domain = await stores.domains.get(domainId);
  return domain ? ok(domain) : err(domainNotFound(domainId));
}
