import { errAsync, type ResultAsync } from "neverthrow";
import type { Outcome } from "../../domain/index.js";
import { checkOneOf } from "../shared/errors.js";
import type { UserEventError, UserEventInput } from "../user-events/user-event-handler.js";
import { UserEventUseCase } from "../user-events/user-event-use-case.js";

export const INTERACTION_KINDS = [
  "profile",
  "contribution",
  "membership",
  "event",
  "other",
] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export interface InteractionInput extends UserEventInput {
  kind: InteractionKind;
}

/**
 * A logged-in user edited a profile, gave, joined, registered for an event or otherwise
 * interacted: every CMS links here, Joomla included (§5).
 */
export class LinkOnInteraction extends UserEventUseCase<InteractionInput> {
  protected readonly event = "interaction";

  override execute(input: InteractionInput): ResultAsync<Outcome, UserEventError> {
    const invalid = checkOneOf(input.kind, INTERACTION_KINDS, "kind");
    if (invalid) return errAsync(invalid);
    return super.execute(input);
  }
}
