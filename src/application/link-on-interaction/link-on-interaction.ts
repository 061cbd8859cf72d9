import { errAsync, type ResultAsync } from "neverthrow";
import type { Outcome } from "../../domain/index.js";
import { checkOneOf } from "../shared/errors.js";
import type {
  UserEventError,
  UserEventHandler,
  UserEventInput,
} from "../user-events/user-event-handler.js";

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
 * interacted: every CMS links here, Joomla included (SPEC §5).
 */
export class LinkOnInteraction {
  constructor(private readonly events: UserEventHandler) {}

  execute(input: InteractionInput): ResultAsync<Outcome, UserEventError> {
    const invalid = checkOneOf(input.kind, INTERACTION_KINDS, "kind");
    if (invalid) return errAsync(invalid);
    return this.events.handle("interaction", input);
  }
}
