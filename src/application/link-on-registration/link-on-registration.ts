import { UserEventUseCase } from "../user-events/user-event-use-case.js";

/** A user registered on the CMS (§5). */
export class LinkOnRegistration extends UserEventUseCase {
  protected readonly event = "registration";
}
