import type { ResultAsync } from "neverthrow";
import { expect } from "vitest";
import {
  type Civilink,
  type CivilinkOptions,
  type Clock,
  createCivilink,
  type DomainId,
  type UserId,
  type UserProfile,
} from "../../../src/index.js";
import { aUserEvent } from "../../support/builders.js";
import { FaultyStore, type StoreCall } from "../../support/faulty-store.js";
import { expectErr, expectOk } from "../../support/results.js";
import { auditOf, contactsWith, linksOf, outboxOf, usersOf } from "../../support/use-case-calls.js";

/** A clock that moves one second forward on every reading, so that times are ordered. */
export function steppingClock(start = Date.parse("2024-01-01T00:00:00Z")): Clock {
  let time = start;
  return {
    now: () => {
      time += 1000;
      return new Date(time);
    },
  };
}

export interface Harness {
  app: Civilink;
  /** The memory store behind the app, which can go offline. */
  store: FaultyStore;
  /** Every repository call the store was asked to make, in order. */
  calls: StoreCall[];
  /** The fault to inject: return an error to reject the call with it, or null. */
  fault: ((call: StoreCall) => Error | null) | null;
}

/** civilink on the memory store, with every store call recorded and faults switchable. */
export function harness(options: Omit<CivilinkOptions, "store" | "wrapStore"> = {}): Harness {
  const calls: StoreCall[] = [];
  const state: Harness = {
    app: undefined as unknown as Civilink,
    store: undefined as unknown as FaultyStore,
    calls,
    fault: null,
  };
  const failWhen = (call: StoreCall) => {
    calls.push(call);
    return state.fault?.(call) ?? null;
  };
  state.app = createCivilink({
    store: "memory",
    clock: steppingClock(),
    ...options,
    wrapStore: (store) => new FaultyStore(store, { failWhen }),
  });
  state.store = state.app.store as FaultyStore;
  return state;
}

const WRITE_METHODS = new Set([
  "create",
  "setPrimaryEmail",
  "rename",
  "moveToTrash",
  "restoreFromTrash",
  "insert",
  "updateUfName",
  "remove",
  "put",
  "append",
  "write",
]);

/** The recorded calls that write. */
export const writesOf = (calls: readonly StoreCall[]): string[] =>
  calls
    .filter((call) => WRITE_METHODS.has(call.method))
    .map((call) => `${call.repository}.${call.method}`);

/** Asserts a `ValidationFailed` error and answers the paths of its details. */
export async function expectInvalid<T, E extends { kind: string }>(
  result: ResultAsync<T, E>,
): Promise<string[]> {
  const error = await expectErr(result);
  expect(error.kind).toBe("ValidationFailed");
  const details = (error as unknown as { details: { path: string; message: string }[] }).details;
  expect(Array.isArray(details)).toBe(true);
  for (const detail of details) expect(detail.message).toEqual(expect.any(String));
  return details.map((detail) => detail.path);
}

export const BAD_IDS = [0, -1, 1.5] as const;

export type UserEventName = "registration" | "login" | "interaction" | "profile-update";
export const USER_EVENTS: readonly UserEventName[] = [
  "registration",
  "login",
  "interaction",
  "profile-update",
];

/** Sends one CMS user event through the use case that handles it. */
export function userEvent(
  app: Civilink,
  event: UserEventName,
  domainId: DomainId,
  userId: UserId,
  profile: UserProfile,
) {
  const input = aUserEvent(domainId, userId, profile);
  switch (event) {
    case "registration":
      return app.linkOnRegistration.execute(input);
    case "login":
      return app.linkOnLogin.execute(input);
    case "interaction":
      return app.linkOnInteraction.execute({ ...input, kind: "contribution" });
    case "profile-update":
      return app.syncUserEmail.execute(input);
  }
}

/** Everything the queries show of some domains and email addresses. */
export async function snapshot(
  app: Civilink,
  domainIds: readonly DomainId[],
  emails: readonly string[],
) {
  const domains = [];
  for (const domainId of domainIds) {
    domains.push({
      users: await usersOf(app, domainId),
      links: await linksOf(app, domainId),
      audit: await auditOf(app, domainId),
      outbox: await outboxOf(app, domainId),
    });
  }
  const contacts = [];
  for (const email of emails) contacts.push(await contactsWith(app, email));
  return { domains, contacts, all: await expectOk(app.listDomains.execute()) };
}
