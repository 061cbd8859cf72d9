import { Writable } from "node:stream";
import type { Express } from "express";
import { pino } from "pino";
import supertest from "supertest";
import type { StoreRuntime } from "../../../src/index.js";
import { buildContainer } from "../../../src/infrastructure/container/composition-root.js";
import { TOKENS } from "../../../src/infrastructure/container/tokens.js";
import { resolveUseCases } from "../../../src/infrastructure/container/use-cases.js";
import { apiKey } from "../../../src/interfaces/http/api-keys.js";
import { createHttpApp } from "../../../src/interfaces/http/app.js";
import { API_ROUTES } from "../../../src/interfaces/http/routes/index.js";
import { type FailWhen, FaultyStore } from "../../support/faulty-store.js";
import type { TestStore } from "../../support/test-stores.js";

/** One key per scope (and one with two), their secrets long enough to find in a log. */
export const SECRETS = {
  events: "events-secret-6f1c0d2a9b",
  read: "read-secret-8e44a1f07c",
  admin: "admin-secret-3b9d52e6aa",
  eventsAndRead: "events-read-secret-51c7e9",
} as const;

export type KeyName = keyof typeof SECRETS;

const KEYS = [
  apiKey("cms", SECRETS.events, ["events"]),
  apiKey("reader", SECRETS.read, ["read"]),
  apiKey("ops", SECRETS.admin, ["admin"]),
  apiKey("both", SECRETS.eventsAndRead, ["events", "read"]),
];

export interface HarnessOptions {
  /** Requests per minute per key; 0 (the default) turns the limit off. */
  rateLimitPerMinute?: number;
  /** Failed authentications per minute per client address; 0 (the default) turns it off. */
  authFailuresPerMinute?: number;
  /** Fault injection into the in-memory store (a thrown error becomes StoreFailed). */
  failWhen?: FailWhen;
  /** Keep the log lines (level trace) instead of a silent logger. */
  captureLogs?: boolean;
}

export interface Harness {
  app: Express;
  /** The memory store behind the app, which can go offline. */
  store: FaultyStore;
  /** Everything logged so far (empty unless captureLogs). */
  logs(): string;
  /** `Authorization: Bearer <secret>` of a key. */
  auth(key: KeyName): { Authorization: string };
  /** A supertest agent over the app. */
  http: ReturnType<typeof supertest>;
}

/** The real HTTP app on a fresh in-memory store, built through the composition root. */
export function makeHarness(options: HarnessOptions = {}): Harness {
  const container = buildContainer({
    store: "memory",
    wrapStore: (memory) => new FaultyStore(memory, { failWhen: options.failWhen }),
  });
  const store = container.get(TOKENS.Store) as FaultyStore;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = options.captureLogs ? pino({ level: "trace" }, sink) : pino({ level: "silent" });
  const app = createHttpApp({
    routes: API_ROUTES,
    useCases: resolveUseCases(container),
    store,
    apiKeys: KEYS,
    logger,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    authFailuresPerMinute: options.authFailuresPerMinute ?? 0,
  });
  return {
    app,
    store,
    logs: () => lines.join(""),
    auth: (key) => ({ Authorization: `Bearer ${SECRETS[key]}` }),
    http: supertest(app),
  };
}

export interface StoreHarness {
  app: Express;
  store: StoreRuntime;
  auth(key: KeyName): { Authorization: string };
  http: ReturnType<typeof supertest>;
  /** Releases the store (and drops its schema on PostgreSQL). */
  close(): Promise<void>;
}

/**
 * The real HTTP app on a fresh store of `testStore` (memory, PGlite or PostgreSQL), for the
 * answers that depend on what the store accepts.
 */
export async function makeStoreHarness(testStore: TestStore): Promise<StoreHarness> {
  const civilink = await testStore.makeCivilink();
  const app = createHttpApp({
    routes: API_ROUTES,
    useCases: resolveUseCases(civilink.container),
    store: civilink.store,
    apiKeys: KEYS,
    logger: pino({ level: "silent" }),
    rateLimitPerMinute: 0,
    authFailuresPerMinute: 0,
  });
  return {
    app,
    store: civilink.store,
    auth: (key) => ({ Authorization: `Bearer ${SECRETS[key]}` }),
    http: supertest(app),
    close: () => civilink.close(),
  };
}

/** An ISO-8601 UTC time as the API writes it. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The error body of docs/contract.md, with its kind. */
export const errorOf = (body: unknown) => (body as { error: { kind: string } }).error;

export interface SampleRequest {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  body?: unknown;
}

/** Sends a sample request with these headers (a JSON body when the sample has one). */
export function send(harness: Harness, sample: SampleRequest, headers: Record<string, string>) {
  const call = harness.http[sample.method](sample.path).set(headers);
  return sample.body === undefined ? call : call.send(sample.body as object);
}

/**
 * A valid request to every route that needs a key and asks the store, with the scope it needs
 * (`GET /v1/me`, open to any key, has tests of its own).
 */
export const SCOPED_SAMPLES: (SampleRequest & { scope: "events" | "read" | "admin" })[] = [
  { scope: "read", method: "get", path: "/v1/domains" },
  { scope: "read", method: "get", path: "/v1/domains/1" },
  { scope: "admin", method: "put", path: "/v1/domains/1", body: { cms: "drupal" } },
  {
    scope: "events",
    method: "post",
    path: "/v1/domains/1/users/5/registered",
    body: { email: "a@x.org" },
  },
  {
    scope: "events",
    method: "post",
    path: "/v1/domains/1/users/5/logged-in",
    body: { email: "a@x.org" },
  },
  {
    scope: "events",
    method: "post",
    path: "/v1/domains/1/users/5/interactions",
    body: { kind: "other", user: { email: "a@x.org" } },
  },
  { scope: "events", method: "put", path: "/v1/domains/1/users/5", body: { email: "a@x.org" } },
  { scope: "events", method: "delete", path: "/v1/domains/1/users/5" },
  {
    scope: "events",
    method: "post",
    path: "/v1/domains/1/interactions",
    body: { kind: "contribution", email: "d@x.org" },
  },
  { scope: "read", method: "get", path: "/v1/domains/1/users/5/link" },
  { scope: "read", method: "get", path: "/v1/domains/1/links" },
  { scope: "admin", method: "post", path: "/v1/contacts", body: { firstName: "Ada" } },
  { scope: "read", method: "get", path: "/v1/contacts/1" },
  { scope: "read", method: "get", path: "/v1/contacts?email=a@x.org" },
  { scope: "admin", method: "patch", path: "/v1/contacts/1", body: { firstName: "Ada" } },
  { scope: "admin", method: "delete", path: "/v1/contacts/1" },
  { scope: "admin", method: "get", path: "/v1/domains/1/users" },
  { scope: "read", method: "get", path: "/v1/domains/1/outbox" },
  { scope: "read", method: "get", path: "/v1/domains/1/audit" },
  // Beyond docs/contract.md, for the admin console (docs/http.md).
  { scope: "read", method: "get", path: "/v1/domains/1/sync-jobs" },
  { scope: "read", method: "get", path: "/v1/domains/1/counts" },
  { scope: "read", method: "get", path: "/v1/contacts?name=ada" },
  { scope: "admin", method: "post", path: "/v1/contacts/1/restore" },
  { scope: "admin", method: "get", path: "/v1/domains/1/users?linked=false" },
  { scope: "read", method: "get", path: "/v1/domains/1/outbox?userId=5" },
];

/** The keys that lack a scope (admin implies the other two). */
export const KEYS_WITHOUT: Record<"events" | "read" | "admin", KeyName[]> = {
  events: ["read"],
  read: ["events"],
  admin: ["events", "read", "eventsAndRead"],
};
