import { errAsync, ok, type ResultAsync } from "neverthrow";
import {
  type DomainId,
  type DomainNotFound,
  type Outcome,
  outcomeOf,
  policyFor,
  type UserId,
  type ValidationFailed,
} from "../../domain/index.js";
import type { StoreError, Stores } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { transactionInDomain } from "../shared/require-domain.js";
import { StoreAndClockUseCase } from "../shared/store-and-clock-use-case.js";

export interface UnlinkUserInput {
  domainId: DomainId;
  userId: UserId;
}

export type UnlinkUserError = ValidationFailed | DomainNotFound | StoreError;

/**
 * A CMS account was deleted (§8): its link in that domain and its directory entry go;
 * the contact and the links of other domains stay. An unknown user is `not-linked`. Every
 * CMS policy unlinks on deletion (§5); a policy that did otherwise would not compile here.
 */
export class UnlinkUser extends StoreAndClockUseCase {
  execute(input: UnlinkUserInput): ResultAsync<Outcome, UnlinkUserError> {
    const invalid = checkIds({ domainId: input.domainId, userId: input.userId });
    if (invalid) return errAsync(invalid);
    const locks = { users: [input] };
    return transactionInDomain(this.uow, input.domainId, locks, async (stores, domain) => {
      const action = policyFor(domain.cms, "user-deleted");
      switch (action) {
        case "unlink":
          return ok(await this.unlink(stores, input));
        default:
          return action satisfies never;
      }
    });
  }

  private async unlink(stores: Stores, input: UnlinkUserInput): Promise<Outcome> {
    await stores.users.remove(input.domainId, input.userId);
    const removed = await stores.links.remove(input.domainId, input.userId);
    if (!removed) return outcomeOf("not-linked", null);
    await stores.audit.append({
      at: this.clock.now(),
      domainId: input.domainId,
      userId: input.userId,
      contactId: removed.contactId,
      action: "unlinked",
      trigger: "user-deletion",
    });
    return outcomeOf("unlinked", null, { contactId: removed.contactId });
  }
}
