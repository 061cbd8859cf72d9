import type { ResultAsync } from "neverthrow";
import type { Civilink } from "../../../src/index.js";
import type { CivilinkEvent, ContactSetup, DomainSetup } from "./invariant-scenarios.js";

/** How a use case answered: a value, an error value, or (never acceptable) a rejection. */
export type Answer =
  | { status: "ok"; value: unknown }
  | { status: "error"; error: { kind: string; message?: string } }
  | { status: "rejected"; cause: unknown };

export interface EventRun {
  event: CivilinkEvent;
  answer: Answer;
}

/** Awaits a use case's answer without letting a rejection (or a synchronous throw) escape. */
export async function answerOf<T, E extends { kind: string }>(
  call: () => ResultAsync<T, E>,
): Promise<Answer> {
  try {
    const result = await call();
    return result.isOk()
      ? { status: "ok", value: result.value }
      : { status: "error", error: result.error };
  } catch (cause) {
    return { status: "rejected", cause };
  }
}

/** Fires one event through the use case that handles it. */
export function runEvent(civilink: Civilink, event: CivilinkEvent): Promise<Answer> {
  switch (event.type) {
    case "user-event": {
      const input = { domainId: event.domainId, userId: event.userId, profile: event.profile };
      switch (event.kind) {
        case "registration":
          return answerOf(() => civilink.linkOnRegistration.execute(input));
        case "login":
          return answerOf(() => civilink.linkOnLogin.execute(input));
        case "interaction":
          return answerOf(() =>
            civilink.linkOnInteraction.execute({ ...input, kind: event.interaction }),
          );
        case "profile-update":
          return answerOf(() => civilink.syncUserEmail.execute(input));
      }
      break;
    }
    case "user-deletion":
      return answerOf(() =>
        civilink.unlinkUser.execute({ domainId: event.domainId, userId: event.userId }),
      );
    case "contact-email-change":
      return answerOf(() =>
        civilink.updateContact.execute({ contactId: event.contactId, primaryEmail: event.email }),
      );
    case "trash-attempt":
      return answerOf(() => civilink.trashContact.execute({ contactId: event.contactId }));
    case "anonymous-interaction": {
      const { type: _type, interaction, ...visit } = event;
      return answerOf(() =>
        civilink.recordAnonymousInteraction.execute({ ...visit, kind: interaction }),
      );
    }
    case "sync":
      return answerOf(() => civilink.synchronizeAllUsers.execute({ domainId: event.domainId }));
  }
}

async function afterTicks(ticks: number): Promise<void> {
  for (let tick = 0; tick < ticks; tick++) await Promise.resolve();
}

/** Fires a step's events together, event i after `ticks[i]` microtask ticks; waits for all. */
export const runEvents = (
  civilink: Civilink,
  events: readonly CivilinkEvent[],
  ticks: readonly number[] = [],
): Promise<EventRun[]> =>
  Promise.all(
    events.map(async (event, index) => {
      await afterTicks(ticks[index] ?? 0);
      return { event, answer: await runEvent(civilink, event) };
    }),
  );

async function mustSucceed<T, E extends { kind: string }>(
  what: string,
  call: () => ResultAsync<T, E>,
): Promise<T> {
  const result = await call();
  if (result.isErr()) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** Puts both domains and creates (and maybe trashes) the contacts, before any step. */
export async function setUpWorld(
  civilink: Civilink,
  domains: readonly DomainSetup[],
  contacts: readonly ContactSetup[],
): Promise<void> {
  for (const { domainId, definition } of domains) {
    await mustSucceed(`putDomain ${domainId}`, () =>
      civilink.putDomain.execute({ domainId, definition }),
    );
  }
  for (const { definition, trashed } of contacts) {
    const contact = await mustSucceed("createContact", () =>
      civilink.createContact.execute(definition),
    );
    if (trashed) {
      await mustSucceed("trashContact", () =>
        civilink.trashContact.execute({ contactId: contact.id }),
      );
    }
  }
}
