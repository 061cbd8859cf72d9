import type { ResultAsync } from "neverthrow";
import type { Outcome } from "../../domain/index.js";
import type {
  UserEventError,
  UserEventHandler,
  UserEventInput,
} from "../user-events/user-event-handler.js";

/** A user registered on the CMS (SPEC §5). */
export class LinkOnRegistration {
  constructor(private readonly events: UserEventHandler) {}

  execute(input: UserEventInput): ResultAsync<Outcome, UserEventError> {
    return this.events.handle("registration", input);
  }
}
