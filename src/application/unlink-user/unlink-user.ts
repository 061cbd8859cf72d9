import { err, errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type DomainId,
  type DomainNotFound,
  type Outcome,
  outcomeOf,
  type UserId,
  type ValidationFailed,
} from "../../domain/index.js";
import type { Clock, StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";

export interface UnlinkUserInput {
  domainId: DomainId;
  userId: UserId;
}

export type UnlinkUserError = ValidationFailed | DomainNotFound | StoreError;

/**
 * A CMS account was deleted (SPEC §8): its link in that domain and its directory entry go;
 * the contact and the links of other domains stay. An unknown user is `not-linked`.
 */
export class UnlinkUser {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: UnlinkUserInput): ResultAsync<Outcome, UnlinkUserError> {
    const invalid = checkIds({ domainId: input.domainId, userId: input.userId });
    if (invalid) return errAsync(invalid);
    const locks = { users: [input] };
    return this.uow.transaction(locks, async (stores): Promise<Result<Outcome, DomainNotFound>> => {
      const domain = await requireDomain(stores, input.domainId);
      if (domain.isErr()) return err(domain.error);
      await stores.users.remove(input.domainId, input.userId);
      const removed = await stores.links.remove(input.domainId, input.userId);
      if (!removed) return ok(outcomeOf("not-linked", null));
      await stores.audit.append({
        at: this.clock.now(),
        domainId: input.domainId,
        userId: input.userId,
        contactId: removed.contactId,
        action: "unlinked",
        trigger: "user-deletion",
      });
      return ok(outcomeOf("unlinked", null, { contactId: removed.contactId }));
    });
  }
}
