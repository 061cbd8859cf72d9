import { UserEventUseCase } from "../user-events/user-event-use-case.js";

/** A user logged in to the CMS (§5). */
export class LinkOnLogin extends UserEventUseCase {
  protected readonly event = "login";
}
