import { errAsync, type ResultAsync } from "neverthrow";
import { type Outcome, validationFailed } from "../../domain/index.js";
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
    if (!(INTERACTION_KINDS as readonly string[]).includes(input.kind)) {
      return errAsync(
        validationFailed("Unknown interaction kind.", [
          { path: "kind", message: `must be one of ${INTERACTION_KINDS.join(", ")}` },
        ]),
      );
    }
    return this.events.handle("interaction", input);
  }
}
