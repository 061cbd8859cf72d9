import type { ResultAsync } from "neverthrow";
import type { Outcome } from "../../domain/index.js";
import type {
  UserEventError,
  UserEventHandler,
  UserEventInput,
} from "../user-events/user-event-handler.js";

/**
 * The CMS saved a user's profile: the email is synced to the CRM when linked, the user is
 * linked when not (SPEC §6), or only the directory is updated for Joomla (SPEC §5).
 */
export class SyncUserEmail {
  constructor(private readonly events: UserEventHandler) {}

  execute(input: UserEventInput): ResultAsync<Outcome, UserEventError> {
    return this.events.handle("profile-update", input);
  }
}
