import { errAsync, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type DomainId,
  type DomainNotFound,
  Email,
  newIndividual,
  type Outcome,
  outcomeOf,
  type PersonName,
  personNameOf,
  rankCandidates,
  type ValidationFailed,
} from "../../domain/index.js";
import {
  INTERACTION_KINDS,
  type InteractionKind,
} from "../link-on-interaction/link-on-interaction.js";
import type { StoreError } from "../ports/index.js";
import { checkIds, checkOneOf, checkTexts } from "../shared/errors.js";
import { transactionInDomain } from "../shared/require-domain.js";
import { StoreAndClockUseCase } from "../shared/store-and-clock-use-case.js";

export interface AnonymousInteractionInput {
  domainId: DomainId;
  kind: InteractionKind;
  email: string;
  firstName?: string;
  lastName?: string;
}

export type AnonymousInteractionError = ValidationFailed | DomainNotFound | StoreError;

/**
 * A visitor who is not logged in gave, joined or registered (§5): the first candidate
 * contact takes it, linked or not, or a new contact is created. No link is written.
 */
export class RecordAnonymousInteraction extends StoreAndClockUseCase {
  execute(input: AnonymousInteractionInput): ResultAsync<Outcome, AnonymousInteractionError> {
    const invalid =
      checkIds({ domainId: input.domainId }) ??
      checkOneOf(input.kind, INTERACTION_KINDS, "kind") ??
      checkTexts(input);
    if (invalid) return errAsync(invalid);
    const email = Email.parse(input.email);
    const locks = { emailKeys: email.isOk() ? [email.value.key] : [] };
    return transactionInDomain(
      this.uow,
      input.domainId,
      locks,
      async (stores, domain): Promise<Result<Outcome, never>> => {
        if (email.isErr()) return ok(outcomeOf("skipped", null, { reason: email.error }));
        const person: PersonName = personNameOf(input, domain.cms);
        const [first] = rankCandidates(
          await stores.contacts.findByEmailKey(email.value.key),
          email.value,
          person,
          domain.dedupeRule,
        );
        if (first) return ok(outcomeOf("contact-matched", null, { contactId: first.id }));
        const now = this.clock.now();
        const contact = await stores.contacts.create(newIndividual(email.value, person), now);
        await stores.audit.append({
          at: now,
          domainId: input.domainId,
          userId: null,
          contactId: contact.id,
          action: "created-contact",
          trigger: "interaction",
        });
        return ok(outcomeOf("contact-created", null, { contactId: contact.id }));
      },
    );
  }
}
