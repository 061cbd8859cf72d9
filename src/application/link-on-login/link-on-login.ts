import type { ResultAsync } from "neverthrow";
import type { Outcome } from "../../domain/index.js";
import type {
  UserEventError,
  UserEventHandler,
  UserEventInput,
} from "../user-events/user-event-handler.js";

/** A user logged in to the CMS (SPEC §5). */
export class LinkOnLogin {
  constructor(private readonly events: UserEventHandler) {}

  execute(input: UserEventInput): ResultAsync<Outcome, UserEventError> {
    return this.events.handle("login", input);
  }
}
