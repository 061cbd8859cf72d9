import type { ResultAsync } from "neverthrow";
import { expect } from "vitest";
import {
  type Civilink,
  type CivilinkOptions,
  type Clock,
  createCivilink,
  type DomainId,
  type MemoryStore,
  type UserId,
  type UserProfile,
} from "../../../src/index.js";
import type { StoreCall } from "../../../src/infrastructure/persistence/memory/memory-store.js";

export type { StoreCall };

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
  store: MemoryStore;
  /** Every repository call the store was asked to make, in order. */
  calls: StoreCall[];
  /** The fault to inject: return an error to reject the call with it, or null. */
  fault: ((call: StoreCall) => Error | null) | null;
}

/** civilink on the memory store, with every store call recorded and faults switchable. */
export function harness(options: Omit<CivilinkOptions, "store" | "memory"> = {}): Harness {
  const calls: StoreCall[] = [];
  const state: Harness = {
    app: undefined as unknown as Civilink,
    store: undefined as unknown as MemoryStore,
    calls,
    fault: null,
  };
  state.app = createCivilink({
    store: "memory",
    clock: steppingClock(),
    ...options,
    memory: {
      failWhen: (call) => {
        calls.push(call);
        return state.fault?.(call) ?? null;
      },
    },
  });
  state.store = state.app.store as MemoryStore;
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

/** Awaits a result and answers its value, failing the test on an error. */
export async function expectOk<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected ok, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

/** Awaits a result and answers its error, failing the test on a value. */
export async function expectErr<T, E>(result: ResultAsync<T, E>): Promise<E> {
  const settled = await result;
  if (settled.isOk()) throw new Error(`Expected an error, got ${JSON.stringify(settled.value)}`);
  return settled.error;
}

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
  const input = { domainId, userId, profile };
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

export const login = (app: Civilink, domainId: DomainId, userId: UserId, profile: UserProfile) =>
  expectOk(app.linkOnLogin.execute({ domainId, userId, profile }));

export const putDomain = (
  app: Civilink,
  domainId: DomainId,
  definition: Parameters<Civilink["putDomain"]["execute"]>[0]["definition"],
) => expectOk(app.putDomain.execute({ domainId, definition }));

export const usersOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listUsers.execute({ domainId, limit: 1000 }))).items;

export const linksOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listLinks.execute({ domainId, limit: 1000 }))).items;

export const auditOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listAudit.execute({ domainId, limit: 1000 }))).items;

export const outboxOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listOutbox.execute({ domainId, limit: 1000 }))).items;

export const contactsWith = (app: Civilink, email: string, includeDeleted = true) =>
  expectOk(app.findContactsByEmail.execute({ email, includeDeleted }));

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
