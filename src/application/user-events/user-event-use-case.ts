import type { ResultAsync } from "neverthrow";
import type { Outcome } from "../../domain/index.js";
import type {
  LinkingEvent,
  UserEventError,
  UserEventHandler,
  UserEventInput,
} from "./user-event-handler.js";

/** A use case that is one user event handed to the handler every event shares (§5). */
export abstract class UserEventUseCase<Input extends UserEventInput = UserEventInput> {
  protected abstract readonly event: LinkingEvent;

  constructor(private readonly events: UserEventHandler) {}

  execute(input: Input): ResultAsync<Outcome, UserEventError> {
    return this.events.handle(this.event, input);
  }
}
