import { UserEventUseCase } from "../user-events/user-event-use-case.js";

/**
 * The CMS saved a user's profile: the email is synced to the CRM when linked, the user is
 * linked when not (§6), or only the directory is updated for Joomla (§5).
 */
export class SyncUserEmail extends UserEventUseCase {
  protected readonly event = "profile-update";
}
