import { once } from "node:events";
import type { Server } from "node:http";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContainer } from "../../src/infrastructure/container/composition-root.js";
import { TOKENS } from "../../src/infrastructure/container/tokens.js";
import { resolveUseCases } from "../../src/infrastructure/container/use-cases.js";
import type { StoreRuntime } from "../../src/infrastructure/persistence/store-runtime.js";
import {
  type ApiKey,
  apiKey,
  type RouteScope,
  type Scope,
} from "../../src/interfaces/http/api-keys.js";
import { createHttpApp } from "../../src/interfaces/http/app.js";
import { API_ROUTES } from "../../src/interfaces/http/routes/index.js";
import { migratedPglite } from "../support/test-stores.js";

/**
 * Random and malformed requests against the whole app (docs/contract.md, and the routes docs/http.md adds
 * for the admin console): whatever arrives, the answer
 * is a 2xx or a documented 4xx, never a 5xx, and every error has the documented shape. The app
 * runs on the in-memory store and on PGlite, which refuses what PostgreSQL refuses (U+0000 in
 * text, integers beyond a column's range). Some requests carry one planted defect or an id at
 * the edge of its range, and must get the one answer docs/decisions.md gives for it; listings
 * are paged with the cursors the service gave, past the largest user id.
 */

const SECRETS = {
  events: "fuzz-events-secret",
  read: "fuzz-read-secret",
  admin: "fuzz-admin-secret",
  eventsRead: "fuzz-events-read-secret",
  final: "fuzz-final-login-secret",
} as const;

/** The keys the app knows, by their secrets. */
const KEY_OF_SECRET = new Map<string, ApiKey>([
  [SECRETS.events, apiKey("events", SECRETS.events, ["events"])],
  [SECRETS.read, apiKey("read", SECRETS.read, ["read"])],
  [SECRETS.admin, apiKey("admin", SECRETS.admin, ["admin"])],
  [SECRETS.eventsRead, apiKey("events-read", SECRETS.eventsRead, ["events", "read"])],
  [SECRETS.final, apiKey("final", SECRETS.final, ["events"])],
]);
const KEYS = [...KEY_OF_SECRET.values()];

const SECRET_OF_SCOPE: Record<RouteScope, string> = {
  events: SECRETS.events,
  read: SECRETS.read,
  admin: SECRETS.admin,
  any: SECRETS.events,
};

/** The kinds each error status may carry (docs/contract.md); 500 and 503 are not expected here. */
const KINDS_OF_STATUS: Record<number, readonly string[]> = {
  400: ["ValidationFailed", "MalformedJson"],
  401: ["Unauthenticated"],
  403: ["Forbidden"],
  404: ["NotFound", "DomainNotFound", "ContactNotFound", "LinkNotFound", "SyncJobNotFound"],
  409: ["ContactIsLinked", "SyncAlreadyRunning"],
  413: ["PayloadTooLarge"],
  415: ["UnsupportedMediaType"],
  429: ["RateLimited"],
};

type Method = "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "trace";

interface FuzzRequest {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent with Transfer-Encoding: chunked in a few pieces rather than with a Content-Length. */
  chunked?: boolean;
  /** What a request with one planted defect (or one edge value) must be answered. */
  expected?: Expectation;
}

/** Beyond the error contract: the answer a planted defect or an edge value must get. */
interface Expectation {
  status?: number;
  /** ValidationFailed must name this field. */
  detailPath?: string;
  /** Whatever the answer, it must not call this field invalid. */
  notDetailPath?: string;
  /** An import's answer must reject this line. */
  rejectedLine?: number;
}

interface Template {
  method: Method;
  path: string;
  scope: RouteScope | null;
  /** A body of the right shape, for requests that should get past validation. */
  body?: fc.Arbitrary<unknown>;
  contentType?: string;
  query?: fc.Arbitrary<string>;
}

// ---------------------------------------------------------------------------------------------
// Generators

const smallId = fc.integer({ min: 1, max: 40 }).map(String);

const MAX_DOMAIN_ID = 2_147_483_647;
const MAX_USER_ID = Number.MAX_SAFE_INTEGER;
type IdKind = "domain" | "user" | "contact";
const MAX_OF_KIND: Record<IdKind, bigint> = {
  domain: BigInt(MAX_DOMAIN_ID),
  user: BigInt(MAX_USER_ID),
  contact: BigInt(MAX_USER_ID),
};

/** Ids at and around the edges of every kind's range (docs/decisions.md, "Ids"). */
const boundaryId = fc.constantFrom(
  "0",
  "1",
  "2",
  String(MAX_DOMAIN_ID - 1),
  String(MAX_DOMAIN_ID),
  String(MAX_DOMAIN_ID + 1),
  "4294967296",
  String(MAX_USER_ID - 1),
  String(MAX_USER_ID),
  "9007199254740992",
  "9007199254740993",
  "10000000000000000",
  "1".repeat(17),
  "9".repeat(40),
);

/** Whether a path or query id is one of `kind` (decimal, no leading zero, in range). */
const inRange = (kind: IdKind, text: string) =>
  /^[1-9]\d*$/.test(text) && BigInt(text) <= MAX_OF_KIND[kind];

/** Characters no store can hold as text: U+0000 and lone surrogates of both halves. */
const UNSTORABLE = ["\u0000", "\ud800", "\udbff", "\udc00", "\udfff"] as const;
const plainText = fc.stringMatching(/^[a-z0-9 ]{0,6}$/);
const unstorableText = (characters: readonly string[] = UNSTORABLE) =>
  fc
    .tuple(plainText, fc.constantFrom(...characters), plainText)
    .map(([before, bad, after]) => before + bad + after);
const unstorableEmail = unstorableText().map((local) => `${local}@example.org`);
/** What a URL can carry: a lone surrogate has no percent-encoding, U+0000 has. */
const nulText = unstorableText(["\u0000"]);

/** Path ids: mostly plausible, often not a positive integer at all. */
const anyId: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: smallId },
  fc.constantFrom(
    "0",
    "-1",
    "1.5",
    "1e3",
    "0x10",
    "01",
    "+1",
    " 1",
    "%201",
    "1%00",
    "%00",
    "%",
    "%zz",
    "%E0%A4%A",
    "%C0%AF",
    "%FF%FE",
    "%2e%2e",
    "..",
    ".",
    "%2F",
    "%252F",
    "%D9%A3",
    "%F0%9F%92%A9",
    "null",
    "undefined",
    "NaN",
    "Infinity",
    "9007199254740993",
    "999999999999999",
    "9".repeat(40),
    "__proto__",
    "constructor",
    "1;drop table links",
    "1'",
  ),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.string({ unit: "grapheme", maxLength: 12 }).map(encodeURIComponent),
  { weight: 2, arbitrary: boundaryId },
);

const userIdFor = fc.integer({ min: 1, max: 60 });
const emailArb = fc.oneof(
  userIdFor.map((n) => `user${n}@example.org`),
  userIdFor.map((n) => `USER${n}@Example.ORG `),
  fc.emailAddress(),
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", "@", "a@", "@b", "a@b", "a@@b.org", "ü@exämple.org", " x@y.org"),
  unstorableEmail,
);
const nameArb = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  unstorableText(),
);
const profileArb = fc.record(
  { email: emailArb, username: nameArb, firstName: nameArb, lastName: nameArb, name: nameArb },
  { requiredKeys: [] },
);
const interactionKindArb = fc.constantFrom(
  "profile",
  "contribution",
  "membership",
  "event",
  "other",
  "bogus",
);

const queryValue = fc.oneof(
  smallId,
  fc.constantFrom("", "0", "-1", "1001", "1000", "abc", "true", "false", "%", "%zz", "null"),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  boundaryId,
  nulText.map(encodeURIComponent),
);
const queryOf = (...names: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...names, "unknown", "__proto__", "a[b]"), queryValue), {
      maxLength: 4,
    })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));

const ndjsonArb = fc
  .array(
    fc.oneof(
      fc.record({ userId: userIdFor, email: emailArb }).map((line) => JSON.stringify(line)),
      fc
        .record({ userId: fc.oneof(userIdFor, boundaryId.map(Number)), name: nameArb })
        .map((line) => JSON.stringify(line)),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 40 }),
    ),
    { maxLength: 20 },
  )
  .map((lines) => lines.join("\n"));
const csvArb = fc
  .array(
    fc.oneof(
      fc.tuple(userIdFor, emailArb).map(([id, email]) => `${id},${email},,,,`),
      fc.tuple(boundaryId, nulText).map(([id, name]) => `${id},,,${name},,`),
      fc.string({ maxLength: 40 }),
    ),
    { maxLength: 20 },
  )
  .map((lines) => ["userId,email,username,firstName,lastName,name", ...lines].join("\n"));

/** Every route of docs/contract.md and of the admin console (docs/http.md). */
const TEMPLATES: Template[] = [
  { method: "get", path: "/health", scope: null },
  { method: "get", path: "/ready", scope: null },
  { method: "get", path: "/openapi.json", scope: null },
  { method: "get", path: "/docs", scope: null },
  { method: "get", path: "/admin", scope: null },
  { method: "get", path: "/v1/me", scope: "any" },
  {
    method: "get",
    path: "/v1/domains/{domainId}/sync-jobs",
    scope: "read",
    query: queryOf("limit", "cursor"),
  },
  { method: "get", path: "/v1/domains/{domainId}/counts", scope: "read" },
  {
    method: "post",
    path: "/v1/contacts/{contactId}/restore",
    scope: "admin",
    body: fc.constant({}),
  },
  { method: "get", path: "/v1/domains", scope: "read" },
  { method: "get", path: "/v1/domains/{domainId}", scope: "read" },
  {
    method: "put",
    path: "/v1/domains/{domainId}",
    scope: "admin",
    body: fc.record(
      {
        name: nameArb,
        cms: fc.constantFrom("drupal", "backdrop", "wordpress", "joomla", "standalone", "typo3"),
        syncCmsEmail: fc.boolean(),
        dedupeRule: fc.record(
          {
            weights: fc.record(
              { email: fc.integer({ min: -1, max: 20 }), firstName: fc.nat(5) },
              { requiredKeys: [] },
            ),
            threshold: fc.integer({ min: -1, max: 20 }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ["cms"] },
    ),
  },
  {
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/registered",
    scope: "events",
    body: profileArb,
  },
  {
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/logged-in",
    scope: "events",
    body: profileArb,
  },
  {
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/interactions",
    scope: "events",
    body: fc.record({ kind: interactionKindArb, user: profileArb }),
  },
  {
    method: "put",
    path: "/v1/domains/{domainId}/users/{userId}",
    scope: "events",
    body: profileArb,
  },
  { method: "delete", path: "/v1/domains/{domainId}/users/{userId}", scope: "events" },
  {
    method: "post",
    path: "/v1/domains/{domainId}/interactions",
    scope: "events",
    body: fc.record(
      { kind: interactionKindArb, email: emailArb, firstName: nameArb, lastName: nameArb },
      { requiredKeys: ["kind", "email"] },
    ),
  },
  { method: "get", path: "/v1/domains/{domainId}/users/{userId}/link", scope: "read" },
  {
    method: "get",
    path: "/v1/domains/{domainId}/links",
    scope: "read",
    query: queryOf("contactId", "email", "limit", "cursor"),
  },
  {
    method: "post",
    path: "/v1/contacts",
    scope: "admin",
    body: fc.record(
      {
        contactType: fc.constantFrom("Individual", "Organization", "Household", "Robot"),
        firstName: nameArb,
        lastName: nameArb,
        displayName: nameArb,
        emails: fc.array(
          fc.record(
            { email: emailArb, isPrimary: fc.boolean(), locationType: nameArb },
            { requiredKeys: ["email"] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { method: "get", path: "/v1/contacts/{contactId}", scope: "read" },
  {
    method: "get",
    path: "/v1/contacts",
    scope: "read",
    query: queryOf("email", "name", "includeDeleted", "limit", "cursor"),
  },
  {
    method: "patch",
    path: "/v1/contacts/{contactId}",
    scope: "admin",
    body: fc.record(
      { firstName: nameArb, lastName: nameArb, primaryEmail: emailArb },
      { requiredKeys: [] },
    ),
  },
  { method: "delete", path: "/v1/contacts/{contactId}", scope: "admin" },
  {
    method: "post",
    path: "/v1/domains/{domainId}/users/import",
    scope: "admin",
    body: ndjsonArb,
    contentType: "application/x-ndjson",
  },
  {
    method: "post",
    path: "/v1/domains/{domainId}/users/import",
    scope: "admin",
    body: csvArb,
    contentType: "text/csv",
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/users",
    scope: "admin",
    query: queryOf("linked", "limit", "cursor"),
  },
  {
    method: "post",
    path: "/v1/domains/{domainId}/sync",
    scope: "admin",
    body: fc.record({ dryRun: fc.constant(true) }, { requiredKeys: [] }),
  },
  { method: "get", path: "/v1/sync-jobs/{jobId}", scope: "read" },
  {
    method: "get",
    path: "/v1/domains/{domainId}/outbox",
    scope: "read",
    query: queryOf("userId", "after", "limit"),
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/audit",
    scope: "read",
    query: queryOf("userId", "contactId", "limit", "cursor"),
  },
];

/** The template's path with each `{name}` replaced by an id of `id`. */
const fill = (path: string, id: fc.Arbitrary<string>) => {
  const names = path.match(/\{\w+\}/g) ?? [];
  return fc.tuple(...names.map(() => id)).map((ids) => {
    let filled = path;
    for (const value of ids) filled = filled.replace(/\{\w+\}/, value);
    return filled;
  });
};

const authFor = (scope: RouteScope | null): Record<string, string> =>
  scope === null ? {} : { Authorization: `Bearer ${SECRET_OF_SCOPE[scope]}` };

const jsonBuffer = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");

/** Requests that should mostly get through: right method, key, media type and body shape. */
const wellFormedRequest: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...TEMPLATES)
  .chain((template) =>
    fc
      .record({
        path: fill(
          template.path,
          template.method === "put" && template.path === "/v1/domains/{domainId}"
            ? fc.integer({ min: 2, max: 5 }).map(String)
            : fc.oneof({ weight: 9, arbitrary: fc.constant("1") }, smallId),
        ),
        query: template.query ?? fc.constant(""),
        body: template.body ?? fc.constant(undefined),
      })
      .map(({ path, query, body }): FuzzRequest => {
        const headers: Record<string, string> = { ...authFor(template.scope) };
        if (body === undefined) return { method: template.method, path: path + query, headers };
        headers["Content-Type"] = template.contentType ?? "application/json";
        return {
          method: template.method,
          path: path + query,
          headers,
          body: typeof body === "string" ? Buffer.from(body, "utf8") : jsonBuffer(body),
        };
      }),
  );

// ---------------------------------------------------------------------------------------------
// Planted defects and edge values, each with the answer it must get

const PROFILE_TEXT_FIELDS = ["email", "username", "firstName", "lastName", "name"];

/** Every body with string fields: a valid body, and the paths of those fields in it; `{id}` is
 * filled with 2 to 5 (never domain 1, whose CMS the final login relies on). */
const TEXT_BODIES: {
  method: Method;
  path: string;
  scope: Scope;
  body: Record<string, unknown>;
  fields: string[];
}[] = [
  ...["registered", "logged-in"].map((event) => ({
    method: "post" as const,
    path: `/v1/domains/1/users/{id}/${event}`,
    scope: "events" as const,
    body: { email: "planted@example.org" },
    fields: PROFILE_TEXT_FIELDS,
  })),
  {
    method: "put",
    path: "/v1/domains/1/users/{id}",
    scope: "events",
    body: { email: "planted@example.org" },
    fields: PROFILE_TEXT_FIELDS,
  },
  {
    method: "post",
    path: "/v1/domains/1/users/{id}/interactions",
    scope: "events",
    body: { kind: "other", user: { email: "planted@example.org" } },
    fields: PROFILE_TEXT_FIELDS.map((field) => `user.${field}`),
  },
  {
    method: "post",
    path: "/v1/domains/1/interactions",
    scope: "events",
    body: { kind: "event", email: "visitor@example.org" },
    fields: ["email", "firstName", "lastName"],
  },
  {
    method: "put",
    path: "/v1/domains/{id}",
    scope: "admin",
    body: { cms: "drupal" },
    fields: ["name"],
  },
  {
    method: "post",
    path: "/v1/contacts",
    scope: "admin",
    body: { emails: [{ email: "contact@example.org" }] },
    fields: ["firstName", "lastName", "displayName", "emails.0.email", "emails.0.locationType"],
  },
  {
    method: "patch",
    path: "/v1/contacts/{id}",
    scope: "admin",
    body: {},
    fields: ["firstName", "lastName", "primaryEmail"],
  },
];

/** A copy of `body` with `value` at the dotted `path` (array indexes included). */
function withValue(body: Record<string, unknown>, path: string, value: unknown) {
  const copy = structuredClone(body);
  const keys = path.split(".");
  let target = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1) as string] = value;
  return copy;
}

const jsonRequest = (
  method: Method,
  path: string,
  scope: Scope,
  body: unknown,
  expected: Expectation,
): FuzzRequest => ({
  method,
  path,
  headers: { ...authFor(scope), "Content-Type": "application/json" },
  body: jsonBuffer(body),
  expected,
});

/** One string field of a valid body holds U+0000 or a lone surrogate: 400 naming the field. */
const unstorableBodyField: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...TEXT_BODIES)
  .chain((template) =>
    fc.record({
      template: fc.constant(template),
      field: fc.constantFrom(...template.fields),
      id: fc.integer({ min: 2, max: 5 }).map(String),
      text: unstorableText(),
      email: unstorableEmail,
    }),
  )
  .map(({ template, field, id, text, email }) =>
    jsonRequest(
      template.method,
      template.path.replace("{id}", id),
      template.scope,
      withValue(template.body, field, /email/i.test(field) ? email : text),
      { status: 400, detailPath: field },
    ),
  );

/** A query value or a path name with U+0000: 400 naming the parameter. */
const unstorableUrlPart: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(
      { path: "/v1/contacts?email=", field: "query.email" },
      { path: "/v1/contacts?name=", field: "query.name" },
      { path: "/v1/domains/1/links?email=", field: "query.email" },
      { path: "/v1/sync-jobs/", field: "path.jobId" },
    ),
    nulText,
  )
  .map(([{ path, field }, text]) => ({
    method: "get",
    path: `${path}${encodeURIComponent(text)}`,
    headers: authFor("read"),
    expected: { status: 400, detailPath: field },
  }));

/** An import with one line the stores cannot hold among good ones: that line is rejected. */
const unstorableImportLine: fc.Arbitrary<FuzzRequest> = fc
  .record({
    good: fc.array(userIdFor, { minLength: 0, maxLength: 8 }),
    at: fc.nat(),
    format: fc.constantFrom("ndjson", "csv"),
    field: fc.constantFrom(...PROFILE_TEXT_FIELDS),
    text: unstorableText(),
    nul: nulText,
    notUtf8: fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]),
    csvDefect: fc.constantFrom("nul", "bytes"),
  })
  .map(({ good, at, format, field, text, nul, notUtf8, csvDefect }) => {
    const index = at % (good.length + 1);
    if (format === "ndjson") {
      const lines = good.map((userId) =>
        JSON.stringify({ userId, email: `u${userId}@example.org` }),
      );
      lines.splice(index, 0, JSON.stringify({ userId: 61, [field]: text }));
      return {
        method: "post",
        path: "/v1/domains/1/users/import",
        headers: { ...authFor("admin"), "Content-Type": "application/x-ndjson" },
        body: Buffer.from(lines.join("\n"), "utf8"),
        expected: { status: 200, rejectedLine: index + 1 },
      };
    }
    const lines = good.map((userId) => Buffer.from(`${userId},u${userId}@example.org`));
    const bad =
      csvDefect === "nul"
        ? Buffer.from(`61,${nul}`)
        : Buffer.concat([Buffer.from("61,x"), Buffer.from(notUtf8), Buffer.from("@example.org")]);
    lines.splice(index, 0, bad);
    return {
      method: "post",
      path: "/v1/domains/1/users/import",
      headers: { ...authFor("admin"), "Content-Type": "text/csv" },
      body: Buffer.concat([
        Buffer.from("userId,email"),
        ...lines.map((line) => Buffer.concat([Buffer.from("\n"), line])),
      ]),
      expected: { status: 200, rejectedLine: index + 2 },
    };
  });

/** Routes with path ids, the kind of each, and a key that may call them. */
const ID_ROUTES: {
  method: Method;
  path: string;
  scope: Scope;
  ids: [string, IdKind][];
  body?: unknown;
}[] = [
  { method: "get", path: "/v1/domains/{domainId}", scope: "read", ids: [["domainId", "domain"]] },
  {
    method: "put",
    path: "/v1/domains/{domainId}",
    scope: "admin",
    ids: [["domainId", "domain"]],
    body: { cms: "drupal" },
  },
  {
    method: "post",
    path: "/v1/domains/{domainId}/users/{userId}/logged-in",
    scope: "events",
    ids: [
      ["domainId", "domain"],
      ["userId", "user"],
    ],
    body: { email: "edge@example.org" },
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/users/{userId}/link",
    scope: "read",
    ids: [
      ["domainId", "domain"],
      ["userId", "user"],
    ],
  },
  {
    method: "delete",
    path: "/v1/domains/{domainId}/users/{userId}",
    scope: "events",
    ids: [
      ["domainId", "domain"],
      ["userId", "user"],
    ],
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/users",
    scope: "admin",
    ids: [["domainId", "domain"]],
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/audit",
    scope: "read",
    ids: [["domainId", "domain"]],
  },
  {
    method: "get",
    path: "/v1/contacts/{contactId}",
    scope: "read",
    ids: [["contactId", "contact"]],
  },
  {
    method: "delete",
    path: "/v1/contacts/{contactId}",
    scope: "admin",
    ids: [["contactId", "contact"]],
  },
  {
    method: "post",
    path: "/v1/contacts/{contactId}/restore",
    scope: "admin",
    ids: [["contactId", "contact"]],
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/sync-jobs",
    scope: "read",
    ids: [["domainId", "domain"]],
  },
  {
    method: "get",
    path: "/v1/domains/{domainId}/counts",
    scope: "read",
    ids: [["domainId", "domain"]],
  },
];

/** Each path id at or around an edge of its kind's range: 400 outside it, never 400 inside. */
const edgePathIds: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...ID_ROUTES)
  .chain((route) =>
    fc.record({
      route: fc.constant(route),
      values: fc.tuple(...route.ids.map(() => fc.oneof(boundaryId, fc.constant("1")))),
      edge: fc.nat(route.ids.length - 1),
    }),
  )
  .map(({ route, values, edge }) => {
    let path = route.path;
    route.ids.forEach(([name], index) => {
      path = path.replace(`{${name}}`, index === edge ? (values[index] as string) : "1");
    });
    const [name, kind] = route.ids[edge] as [string, IdKind];
    const value = values[edge] as string;
    const expected: Expectation = inRange(kind, value)
      ? { notDetailPath: `path.${name}` }
      : { status: 400, detailPath: `path.${name}` };
    return {
      method: route.method,
      path,
      headers: {
        ...authFor(route.scope),
        ...(route.body ? { "Content-Type": "application/json" } : {}),
      },
      ...(route.body ? { body: jsonBuffer(route.body) } : {}),
      expected,
    };
  });

/** Each query id or cursor at or around an edge of its range. */
const edgeQueryIds: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(
      {
        path: "/v1/domains/1/audit",
        name: "userId",
        kind: "user" as const,
        scope: "read" as const,
      },
      {
        path: "/v1/domains/1/audit",
        name: "contactId",
        kind: "contact" as const,
        scope: "read" as const,
      },
      {
        path: "/v1/domains/1/links",
        name: "contactId",
        kind: "contact" as const,
        scope: "read" as const,
      },
      {
        path: "/v1/domains/1/links",
        name: "cursor",
        kind: "user" as const,
        scope: "read" as const,
      },
      {
        path: "/v1/domains/1/users",
        name: "cursor",
        kind: "user" as const,
        scope: "admin" as const,
      },
      {
        path: "/v1/domains/1/audit",
        name: "cursor",
        kind: "user" as const,
        scope: "read" as const,
      },
      {
        path: "/v1/domains/1/outbox",
        name: "after",
        kind: "user" as const,
        scope: "read" as const,
      },
      {
        path: "/v1/domains/1/outbox",
        name: "userId",
        kind: "user" as const,
        scope: "read" as const,
      },
    ),
    boundaryId,
  )
  .map(([{ path, name, kind, scope }, value]) => ({
    method: "get",
    path: `${path}?${name}=${value}`,
    headers: authFor(scope),
    expected: inRange(kind, value) ? { status: 200 } : { status: 400, detailPath: `query.${name}` },
  }));

/** A request that must get one particular answer. */
const plantedRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 3, arbitrary: unstorableBodyField },
  { weight: 1, arbitrary: unstorableUrlPart },
  { weight: 2, arbitrary: unstorableImportLine },
  { weight: 2, arbitrary: edgePathIds },
  { weight: 1, arbitrary: edgeQueryIds },
);

/** A path segment as a hostile client may write it (raw latin-1 is all Node lets through). */
const segmentArb = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2E%2E%2F",
    "%00",
    "%",
    "%zz",
    "%E0%A4%A",
    "v1",
    "domains",
    "users",
    "contacts",
    "health",
    "HEALTH",
    "openapi.json",
    "docs",
    "%F0%9F%98%80",
    "\u00e9\u00ff",
    ";",
    "*",
    "~",
    ":domainId",
    "{domainId}",
    "swagger-ui.css",
    "swagger-ui-init.js",
    "favicon-16x16.png",
    "index.html",
    "package.json",
  ),
  anyId,
  fc.string({ unit: "grapheme", maxLength: 16 }).map(encodeURIComponent),
  fc
    .string({
      unit: fc.integer({ min: 0x21, max: 0xff }).map((code) => String.fromCharCode(code)),
      maxLength: 16,
    })
    .map((text) => text.replace(/[?#/]/g, "")),
);

const longPath = fc
  .integer({ min: 500, max: 7000 })
  .chain((length) =>
    fc.constantFrom(
      `/v1/domains/${"1".repeat(length)}`,
      `/${"a".repeat(length)}`,
      `/v1/domains/1/users/${"%41".repeat(Math.floor(length / 3))}/logged-in`,
      `/${"../".repeat(Math.floor(length / 3))}health`,
      `/v1/contacts?email=${"x".repeat(length)}`,
    ),
  );

const pathArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...TEMPLATES).chain((t) => fill(t.path, anyId)) },
  {
    weight: 2,
    arbitrary: fc
      .array(segmentArb, { minLength: 0, maxLength: 8 })
      .map((segments) => `/${segments.join("/")}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...TEMPLATES),
        fc.constantFrom("/", "//", "/..", "/../..", "/x", "%2F"),
      )
      .chain(([template, suffix]) => fill(template.path, smallId).map((path) => path + suffix)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...TEMPLATES), fc.string({ maxLength: 30 }))
      .chain(([template, query]) =>
        fill(template.path, smallId).map((path) => `${path}?${encodeURI(query)}`),
      ),
  },
  { weight: 1, arbitrary: longPath },
);

/** What Node's client lets through in a header value: tab, printable ASCII and latin-1. */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((code) => String.fromCharCode(code)),
    maxLength,
  });

const authorizationArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...Object.values(SECRETS).filter((secret) => secret !== SECRETS.final))
      .map((secret) => `Bearer ${secret}`),
  },
  fc.constantFrom(
    "",
    "Bearer",
    "Bearer ",
    "bearer fuzz-admin-secret",
    "BEARER   fuzz-admin-secret   ",
    "Bearer fuzz-admin-secret extra",
    "Bearer fuzz-admin-secret\t",
    "Basic Zm9vOmJhcg==",
    "Token fuzz-admin-secret",
    "Bearer fuzz-admin-secreT",
    "Bearer fuzz-admin-secret ",
    `Bearer ${"A".repeat(6000)}`,
  ),
  headerText(80),
  headerText(60).map((text) => `Bearer ${text}`),
);

const contentTypeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON; Charset=UTF-8",
      'application/json;charset="utf-8"',
    ),
  },
  fc.constantFrom(
    "application/json; charset=utf-16",
    "application/json; charset=utf-16le",
    "application/json; charset=latin1",
    "application/json; charset=iso-8859-1",
    "application/json; charset=bogus",
    "application/json; charset=",
    "application/json;;",
    "application/json; foo",
    "application/json; boundary=x",
    "application/*",
    "*/*",
    "application/vnd.api+json",
    "application/merge-patch+json",
    "text/plain",
    "text/plain; charset=utf-8",
    "text/csv",
    "text/csv; charset=utf-8",
    "application/x-ndjson",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----x",
    "application/octet-stream",
    "json",
    "/",
    ";;;",
    "",
  ),
  headerText(60),
);

const deepNesting = fc
  .integer({ min: 100, max: 50_000 })
  .chain((depth) =>
    fc.constantFrom(
      `${"[".repeat(depth)}${"]".repeat(depth)}`,
      `${"[".repeat(depth)}`,
      `${'{"a":'.repeat(Math.floor(depth / 5))}1${"}".repeat(Math.floor(depth / 5))}`,
      `{"email":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      `{"user":${'{"email":'.repeat(Math.floor(depth / 10))}"x"${"}".repeat(Math.floor(depth / 10))}}`,
    ),
  );

const hugeString = fc
  .integer({ min: 1_000, max: 150_000 })
  .chain((length) =>
    fc.constantFrom(
      JSON.stringify({ email: `${"x".repeat(length)}@example.org` }),
      JSON.stringify({ firstName: "é".repeat(Math.floor(length / 2)) }),
      JSON.stringify({ kind: "other", user: { name: "n".repeat(length) } }),
      JSON.stringify({ [`k${"k".repeat(length)}`]: 1 }),
      JSON.stringify(Array.from({ length: Math.floor(length / 4) }, (_, i) => i)),
      `"${"s".repeat(length)}"`,
    ),
  );

const bodyArb: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(jsonBuffer) },
  { weight: 3, arbitrary: profileArb.map(jsonBuffer) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value) ?? "";
      return Buffer.from(text.slice(0, text.length ? cut % text.length : 0), "utf8");
    }),
  },
  { weight: 1, arbitrary: deepNesting.map((text) => Buffer.from(text, "utf8")) },
  { weight: 1, arbitrary: hugeString.map((text) => Buffer.from(text, "utf8")) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        "null",
        "true",
        "0",
        "-0",
        "1e309",
        '""',
        "[]",
        "{}",
        "{",
        "}",
        "{}{}",
        "{} trailing",
        '{"email":"a@b.org",}',
        "{'email':'a@b.org'}",
        '{"__proto__":{"email":"x@y.org"}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"email":"a@b.org","email":"c@d.org"}',
        '{"email":"\\ud800"}',
        '{"email":"\\u0000@x.org"}',
        "\ufeff{}",
        " \n\t {} \n",
      )
      .map((text) => Buffer.from(text, "utf8")),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Buffer.from([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      Buffer.from([0x00, 0x00, 0x00]),
    ),
  },
  { weight: 1, arbitrary: ndjsonArb.map((text) => Buffer.from(text, "utf8")) },
  { weight: 1, arbitrary: csvArb.map((text) => Buffer.from(text, "utf8")) },
);

const methodArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<Method>("get", "post", "put", "patch", "delete") },
  { weight: 1, arbitrary: fc.constantFrom<Method>("head", "options", "trace") },
);

const extraHeadersArb = fc.record(
  {
    "Content-Encoding": fc.constantFrom("gzip", "deflate", "br", "identity", "compress", "x"),
    "X-Request-Id": fc.oneof(headerText(120), fc.constant("fixed-id.1:2")),
    Accept: fc.constantFrom("application/json", "text/html", "*/*", "application/xml", ""),
    "Accept-Charset": fc.constantFrom("utf-16", "latin1"),
    "X-Forwarded-For": fc.constantFrom("1.2.3.4", "::1", "garbage, ,,", "999.999.1.1"),
    "X-Fuzz": headerText(200),
  },
  { requiredKeys: [] },
);

/** Requests assembled from independently random parts: mostly wrong somewhere. */
const malformedRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: methodArb,
    path: pathArb,
    authorization: authorizationArb,
    contentType: contentTypeArb,
    extra: extraHeadersArb,
    body: bodyArb,
    gzip: fc.boolean(),
    chunked: fc.boolean(),
  })
  .map(({ method, path, authorization, contentType, extra, body, gzip, chunked }) => {
    const headers: Record<string, string> = { ...extra };
    if (authorization !== undefined) headers.Authorization = authorization;
    if (contentType !== undefined) headers["Content-Type"] = contentType;
    const encoded = body && gzip && headers["Content-Encoding"] === "gzip" ? gzipSync(body) : body;
    return { method, path, headers, chunked, ...(encoded ? { body: encoded } : {}) };
  });

/** Sometimes an override of one part of a request, usually none. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** A well-formed request with one or two of its parts made wrong: it gets deeper in. */
const mutatedRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    base: wellFormedRequest,
    method: sometimes(methodArb),
    path: sometimes(fc.constantFrom(...TEMPLATES).chain((template) => fill(template.path, anyId))),
    authorization: sometimes(authorizationArb),
    contentType: sometimes(contentTypeArb),
    body: sometimes(bodyArb),
    extra: sometimes(extraHeadersArb),
    chunked: fc.boolean(),
  })
  .map(({ base, method, path, authorization, contentType, body, extra, chunked }) => {
    const headers: Record<string, string> = { ...base.headers, ...extra };
    if (authorization !== undefined) headers.Authorization = authorization;
    if (contentType !== undefined) headers["Content-Type"] = contentType;
    const chosenBody = body ?? base.body;
    return {
      method: method ?? base.method,
      path: path ?? base.path,
      headers,
      chunked,
      ...(chosenBody ? { body: chosenBody } : {}),
    };
  });

/** A well-formed request but for a body over, or just under, the 100 kB limit. */
const oversizedRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(wellFormedRequest, fc.integer({ min: 95_000, max: 150_000 }))
  .map(([base, length]) => ({
    ...base,
    headers: { ...base.headers, "Content-Type": "application/json" },
    body: Buffer.from(JSON.stringify({ email: `${"x".repeat(length)}@example.org` }), "utf8"),
  }));

const decodedOrRaw = (path: string) => {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/** Whether the request may replace domain 1 (and so change how the final login is handled). */
const replacesDomainOne = (fuzz: FuzzRequest) =>
  fuzz.method === "put" &&
  /^\/v1\/domains\/0*1\/?$/i.test(decodedOrRaw(fuzz.path.split("?")[0] as string));

/** Domain 1 keeps its CMS: only domains 2 and up are ever replaced. */
const fuzzRequest = fc
  .oneof(
    { weight: 2, arbitrary: wellFormedRequest },
    { weight: 1, arbitrary: oversizedRequest },
    { weight: 4, arbitrary: mutatedRequest },
    { weight: 2, arbitrary: malformedRequest },
    { weight: 3, arbitrary: plantedRequest },
  )
  .filter((fuzz) => !replacesDomainOne(fuzz));

// ---------------------------------------------------------------------------------------------
// Sending and checking

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let server: Server;
let store: StoreRuntime;
const logLines: string[] = [];
let sent = 0;

/** Node's client frames a body in chunks only for the methods that usually have one. */
const canChunk = (fuzz: FuzzRequest) =>
  fuzz.chunked === true && ["post", "put", "patch"].includes(fuzz.method);

function send(fuzz: FuzzRequest): Promise<Answer> {
  sent += 1;
  // Bodies go out byte for byte (superagent would JSON-encode a Buffer sent as JSON); a HEAD
  // request's body is left out, since Node's client would write it unframed.
  let test = request(server)
    [fuzz.method](fuzz.path)
    .redirects(0)
    .serialize((data: unknown) => data as string);
  for (const [name, value] of Object.entries(fuzz.headers)) test = test.set(name, value);
  if (fuzz.body !== undefined && canChunk(fuzz)) {
    const piece = Math.max(1, Math.ceil(fuzz.body.length / 3));
    for (let start = 0; start < fuzz.body.length; start += piece) {
      test.write(fuzz.body.subarray(start, start + piece));
    }
  } else if (fuzz.body !== undefined && fuzz.method !== "head") test = test.send(fuzz.body);
  return new Promise((resolve, reject) => {
    test
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => done(null, Buffer.concat(chunks)));
        response.on("error", (error) => done(error, Buffer.alloc(0)));
      })
      .end((error, response) => {
        if (!response) return reject(error ?? new Error("no response"));
        resolve({
          status: response.status,
          headers: response.headers,
          body: Buffer.isBuffer(response.body) ? response.body : Buffer.alloc(0),
        });
      });
  });
}

const describeRequest = (fuzz: FuzzRequest) =>
  `${fuzz.method.toUpperCase()} ${fuzz.path.slice(0, 300)}${fuzz.path.length > 300 ? "…" : ""} ` +
  `headers=${JSON.stringify(fuzz.headers).slice(0, 400)} ` +
  `body=${fuzz.body ? `${fuzz.body.length} bytes: ${JSON.stringify(fuzz.body.subarray(0, 120).toString("latin1"))}` : "none"}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

/**
 * Each template as Express matches it: the raw path exactly, case and trailing slash included
 * (the pages for people, docs and console, also answer at `/docs/` and `/admin/`).
 */
const MATCHERS = TEMPLATES.map((template) => ({
  template,
  pattern: new RegExp(
    `^${template.path
      .split(/\{\w+\}/)
      .map(escapeRegExp)
      .join("[^/]+")}${template.path === "/docs" || template.path === "/admin" ? "/?" : ""}$`,
  ),
}));

/** The files the docs page loads, served under /docs/. */
const DOCS_ASSET = /^\/docs\/[\w.-]+\.(css|js|png)$/;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The route the request's method and path select, if any. */
function routeOf(fuzz: FuzzRequest): Template | undefined {
  const path = fuzz.path.split("?")[0] as string;
  const method = fuzz.method === "head" ? "get" : fuzz.method;
  return MATCHERS.find(({ template, pattern }) => template.method === method && pattern.test(path))
    ?.template;
}

/** Whether the request carried a key that may call the route its method and path select. */
function authorised(fuzz: FuzzRequest): boolean {
  const scope = routeOf(fuzz)?.scope ?? null;
  if (scope === null) return true;
  const secret = BEARER.exec(fuzz.headers.Authorization ?? "")?.[1];
  const key = secret === undefined ? undefined : KEY_OF_SECRET.get(secret);
  if (key === undefined) return false;
  return scope === "any" || key.scopes.has(scope) || key.scopes.has("admin");
}

/** What is wrong with an answer, or null: docs/contract.md's statuses, error shape and media type. */
function problemWith(fuzz: FuzzRequest, answer: Answer): string | null {
  const { status } = answer;
  if (status >= 200 && status < 300) {
    const path = fuzz.path.split("?")[0] as string;
    const isAsset = ["get", "head"].includes(fuzz.method) && DOCS_ASSET.test(path);
    if (!routeOf(fuzz) && !isAsset) return `${status} for a path that is not a route`;
    return authorised(fuzz) ? null : `${status} without a key of the route's scope`;
  }
  const kinds = KINDS_OF_STATUS[status];
  if (!kinds) return `status ${status} is not a documented status`;
  const contentType = String(answer.headers["content-type"] ?? "");
  if (!/^application\/json(;|$)/.test(contentType))
    return `content-type ${JSON.stringify(contentType)} is not application/json`;
  if (fuzz.method === "head") return answer.body.length === 0 ? null : "HEAD answered a body";
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString("utf8"));
  } catch {
    return `the body is not JSON: ${answer.body.subarray(0, 200).toString("utf8")}`;
  }
  if (!isRecord(body) || Object.keys(body).join() !== "error" || !isRecord(body.error))
    return `the body is not {error:{…}}: ${JSON.stringify(body).slice(0, 300)}`;
  const { kind, message, details, ...rest } = body.error;
  if (Object.keys(rest).length > 0) return `unexpected error fields ${Object.keys(rest)}`;
  if (typeof kind !== "string" || !kinds.includes(kind))
    return `kind ${JSON.stringify(kind)} is not one of ${kinds.join(", ")} for ${status}`;
  if (typeof message !== "string" || message.length === 0) return "the message is not a string";
  if (/\n\s+at /.test(message)) return "the message holds a stack trace";
  const sentBody = fuzz.body !== undefined && fuzz.body.length > 0;
  if (kind === "MalformedJson" && !sentBody) return "MalformedJson for a request without a body";
  if (kind === "ValidationFailed") {
    const list = Array.isArray(details) ? details : [];
    const wellFormed = list.every(
      (item) =>
        isRecord(item) &&
        typeof item.path === "string" &&
        typeof item.message === "string" &&
        Object.keys(item).length === 2,
    );
    if (list.length === 0 || !wellFormed)
      return `ValidationFailed details are not a list of {path, message}: ${JSON.stringify(details)}`;
  }
  if (!answer.headers["x-request-id"]) return "no X-Request-Id header";
  return null;
}

/** What is wrong with the answer to a planted defect or an edge value, or null. */
function unmetExpectation(fuzz: FuzzRequest, answer: Answer): string | null {
  const expected = fuzz.expected;
  if (!expected) return null;
  if (expected.status !== undefined && answer.status !== expected.status)
    return `expected status ${expected.status}`;
  // A 204, a HEAD answer or an asset has no JSON body: nothing in it can be wrong then.
  let body: unknown = {};
  try {
    body = JSON.parse(answer.body.toString("utf8"));
  } catch {
    if (expected.detailPath !== undefined || expected.rejectedLine !== undefined)
      return "expected a JSON body";
  }
  const record = isRecord(body) ? body : {};
  const error = isRecord(record.error) ? record.error : {};
  const paths = (Array.isArray(error.details) ? error.details : []).map((detail) =>
    isRecord(detail) ? detail.path : undefined,
  );
  if (expected.detailPath !== undefined && !paths.includes(expected.detailPath))
    return `expected ValidationFailed naming ${expected.detailPath}`;
  if (expected.notDetailPath !== undefined && paths.includes(expected.notDetailPath))
    return `${expected.notDetailPath} is within its range but was refused`;
  if (expected.rejectedLine !== undefined) {
    const rejected = Array.isArray(record.rejected) ? record.rejected : [];
    const lines = rejected.map((rejection) => (isRecord(rejection) ? rejection.line : undefined));
    if (!lines.includes(expected.rejectedLine))
      return `expected line ${expected.rejectedLine} to be rejected`;
  }
  return null;
}

async function checkAll(batch: readonly FuzzRequest[]) {
  const answers = await Promise.all(batch.map(send));
  const problems = batch.flatMap((fuzz, index) => {
    const answer = answers[index] as Answer;
    const problem = problemWith(fuzz, answer) ?? unmetExpectation(fuzz, answer);
    return problem
      ? [
          `${answer.status}: ${problem}\n    for ${describeRequest(fuzz)}\n    answer: ${answer.body.subarray(0, 300).toString("utf8")}`,
        ]
      : [];
  });
  expect(problems, problems.join("\n")).toEqual([]);
}

/** Inputs worth trying every run, whatever the seed. */
const CORPUS: FuzzRequest[] = [
  { method: "get", path: "/v1/domains/%E0%A4%A/users/1/link", headers: authFor("read") },
  { method: "post", path: "/v1/domains/1/users/%zz/logged-in", headers: authFor("events") },
  { method: "post", path: "/v1/domains/1/users/%/registered", headers: authFor("events") },
  { method: "get", path: "/%E0%A4%A", headers: {} },
  { method: "get", path: "/health/%", headers: {} },
  { method: "get", path: "/health?%=%&a[b]=1&a=2", headers: {} },
  { method: "options", path: "/health", headers: {} },
  { method: "head", path: "/health", headers: {} },
  { method: "head", path: "/nowhere", headers: {} },
  { method: "trace", path: "/v1/domains/1/users/1/logged-in", headers: authFor("events") },
  ...[
    "application/json; charset=utf-16",
    "application/json; charset=latin1",
    "application/json; charset=bogus",
    "text/plain",
    "application/x-ndjson",
    "garbage",
  ].map(
    (contentType): FuzzRequest => ({
      method: "post",
      path: "/v1/domains/1/users/1/logged-in",
      headers: { ...authFor("events"), "Content-Type": contentType },
      body: jsonBuffer({ email: "corpus@example.org" }),
    }),
  ),
  ...["gzip", "deflate", "br", "compress", "x"].map(
    (encoding): FuzzRequest => ({
      method: "post",
      path: "/v1/domains/1/users/2/logged-in",
      headers: {
        ...authFor("events"),
        "Content-Type": "application/json",
        "Content-Encoding": encoding,
      },
      body: Buffer.from("not compressed at all", "utf8"),
    }),
  ),
  {
    method: "post",
    path: "/v1/domains/1/users/3/logged-in",
    headers: {
      ...authFor("events"),
      "Content-Type": "application/json",
      "Content-Encoding": "gzip",
    },
    body: gzipSync(jsonBuffer({ email: "gzipped@example.org" })),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/4/logged-in",
    headers: { ...authFor("events"), "Content-Type": "application/json" },
    body: Buffer.from(`{"email":"${"x".repeat(150_000)}"}`, "utf8"),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/4/logged-in",
    headers: { "Content-Type": "application/json" },
    body: Buffer.from(`{"email":"${"x".repeat(150_000)}"}`, "utf8"),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/5/logged-in",
    headers: { ...authFor("events"), "Content-Type": "application/json" },
    body: Buffer.from(`${"[".repeat(50_000)}${"]".repeat(50_000)}`, "utf8"),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/5/interactions",
    headers: { ...authFor("events"), "Content-Type": "application/json" },
    body: Buffer.from(
      `{"kind":"other","user":{"email":${"[".repeat(40_000)}${"]".repeat(40_000)}}}`,
    ),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/6/logged-in",
    headers: { ...authFor("events"), "Content-Type": "application/json" },
    body: Buffer.from([
      0x7b, 0x22, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d,
    ]),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/7/logged-in",
    headers: { ...authFor("events"), "Content-Type": "application/json" },
    body: Buffer.from('{"__proto__":{"email":"proto@example.org"}}', "utf8"),
  },
  {
    method: "post",
    path: `/v1/domains/1/users/${"1".repeat(7000)}/logged-in`,
    headers: authFor("events"),
  },
  { method: "get", path: `/${"..%2F".repeat(1000)}etc/passwd`, headers: {} },
  {
    method: "post",
    path: "/v1/domains/1/users/1/logged-in",
    headers: { Authorization: `Bearer ${"A".repeat(6000)}` },
  },
  { method: "delete", path: "/v1/domains/1/users/1", headers: authFor("read") },
  {
    method: "post",
    path: "/v1/domains/1/users/8/logged-in",
    headers: {
      ...authFor("events"),
      "Content-Type": "application/json",
      "Content-Encoding": "gzip",
    },
    body: gzipSync(Buffer.from(`{"email":"${"0".repeat(2_000_000)}"}`)),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/9/logged-in",
    headers: { ...authFor("events"), "Content-Type": "application/json" },
    body: Buffer.from(`{"email":"${"y".repeat(150_000)}"}`, "utf8"),
    chunked: true,
  },
  {
    method: "post",
    path: "/v1/domains/1/users/import",
    headers: { ...authFor("admin"), "Content-Type": "application/x-ndjson" },
    body: Buffer.from(
      `{"userId":1,"email":"a@example.org"}\n${"z".repeat(200_000)}\n{"userId":2}\n\xff\xfe\n`,
      "latin1",
    ),
    chunked: true,
  },
  {
    method: "post",
    path: "/v1/domains/1/users/import",
    headers: { ...authFor("admin"), "Content-Type": "text/csv" },
    body: Buffer.from('userId,email\n1,"unterminated\n2,b@example.org\n', "utf8"),
  },
  {
    method: "post",
    path: "/v1/domains/1/users/import",
    headers: { ...authFor("admin"), "Content-Type": "text/csv; charset=utf-16" },
    body: Buffer.from("userId,email\n", "utf8"),
  },
  ...[undefined, "", "[]", "{}", '{"dryRun":true}', '{"dryRun":"yes"}'].map(
    (body): FuzzRequest => ({
      method: "post",
      path: "/v1/domains/1/sync",
      headers: { ...authFor("admin"), "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: Buffer.from(body, "utf8") }),
    }),
  ),
];

/** The stores the app is fuzzed on: the in-memory one, and PGlite, which refuses what PostgreSQL does. */
const TARGETS = [
  { name: "memory", numRuns: 60, open: async () => buildContainer({ store: "memory" }) },
  {
    name: "pglite",
    numRuns: 40,
    open: async () => buildContainer({ store: "pglite", pglite: await migratedPglite() }),
  },
] as const;

interface ListedPage {
  nextCursor: string | null;
  [items: string]: unknown;
}

/** Follows a listing's cursors from its first page to its last, checking every page. */
async function walk(
  path: string,
  items: string,
  key: Scope,
  limit: number,
  after = "cursor",
  filter = "",
) {
  const all: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const paging: string =
      cursor === null ? `?limit=${limit}` : `?limit=${limit}&${after}=${cursor}`;
    const query = filter === "" ? paging : `${paging}&${filter}`;
    const response = await request(server).get(`${path}${query}`).set(authFor(key));
    expect(response.status, `${path}${query}: ${response.text}`).toBe(200);
    const page = response.body as ListedPage;
    const listed = page[items] as Record<string, unknown>[];
    expect(listed.length).toBeLessThanOrEqual(limit);
    all.push(...listed);
    cursor = page.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error(`${path} did not end after 200 pages`);
}

/** Users up to the largest id there is, always with it and the one just below it. */
const pagedUserIds = fc
  .uniqueArray(
    fc.oneof(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom(MAX_DOMAIN_ID, MAX_DOMAIN_ID + 1, 2 ** 32, MAX_USER_ID - 2),
    ),
    { maxLength: 10 },
  )
  .map((ids) => [...new Set([...ids, MAX_USER_ID - 1, MAX_USER_ID])].sort((a, b) => a - b));

let pagedDomain = 100;

for (const target of TARGETS) {
  describe(`HTTP fuzzing on the ${target.name} store (docs/contract.md error contract)`, () => {
    beforeAll(async () => {
      logLines.length = 0;
      sent = 0;
      const container = await target.open();
      store = container.get(TOKENS.Store);
      const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
      const app = createHttpApp({
        routes: API_ROUTES,
        useCases: resolveUseCases(container),
        store,
        apiKeys: KEYS,
        logger,
        rateLimitPerMinute: 1_000_000,
        authFailuresPerMinute: 1_000_000,
      });
      server = app.listen(0, "127.0.0.1");
      await once(server, "listening");
    });

    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      await store?.close();
    });

    it("answers every random or malformed request with a 2xx or a documented 4xx", async () => {
      await checkAll(CORPUS);
      await fc.assert(
        fc.asyncProperty(fc.array(fuzzRequest, { minLength: 24, maxLength: 24 }), checkAll),
        { numRuns: target.numRuns },
      );
      expect(sent).toBeGreaterThanOrEqual(target.numRuns * 24);

      const errors = logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
      expect(errors, errors.join("\n")).toEqual([]);
      const leaked = Object.values(SECRETS).filter((secret) =>
        logLines.some((line) => line.includes(secret)),
      );
      expect(leaked).toEqual([]);
    }, 60_000);

    it("pages through users (all, linked, not linked), links, audit and outbox with the cursors it gave, past the largest user id", async () => {
      await fc.assert(
        fc.asyncProperty(pagedUserIds, fc.integer({ min: 1, max: 4 }), async (userIds, limit) => {
          const domain = `/v1/domains/${pagedDomain++}`;
          const put = await request(server)
            .put(domain)
            .set(authFor("admin"))
            .send({ cms: "drupal" });
          expect(put.status).toBe(200);
          const lines = userIds.map((userId) =>
            JSON.stringify({ userId, email: `p${userId}@example.org` }),
          );
          const imported = await request(server)
            .post(`${domain}/users/import`)
            .set(authFor("admin"))
            .set("Content-Type", "application/x-ndjson")
            .send(lines.join("\n"));
          expect(imported.body).toMatchObject({ imported: userIds.length, rejectedCount: 0 });
          const linked = userIds.filter((_, index) => index % 2 === 1);
          for (const userId of linked) {
            const login = await request(server)
              .post(`${domain}/users/${userId}/logged-in`)
              .set(authFor("events"))
              .send({});
            expect(login.status, login.text).toBe(200);
          }
          const users = await walk(`${domain}/users`, "users", "admin", limit);
          expect(users.map((user) => user.userId)).toEqual(userIds);
          const linkedOnly = await walk(
            `${domain}/users`,
            "users",
            "admin",
            limit,
            "cursor",
            "linked=true",
          );
          expect(linkedOnly.map((user) => user.userId)).toEqual(linked);
          const others = await walk(
            `${domain}/users`,
            "users",
            "admin",
            limit,
            "cursor",
            "linked=false",
          );
          expect(others.map((user) => user.userId)).toEqual(
            userIds.filter((userId) => !linked.includes(userId)),
          );
          const counts = await request(server).get(`${domain}/counts`).set(authFor("read"));
          expect(counts.body).toEqual({
            users: userIds.length,
            linkedUsers: linked.length,
            notLinkedUsers: userIds.length - linked.length,
            links: linked.length,
          });
          const links = await walk(`${domain}/links`, "links", "read", limit);
          expect(links.map((link) => link.userId)).toEqual(linked);
          const audit = await walk(`${domain}/audit`, "entries", "read", limit);
          expect(audit.map((entry) => entry.userId)).toEqual(linked);
          const outbox = await walk(`${domain}/outbox`, "events", "read", limit, "after");
          expect(outbox).toEqual([]);
          const last = await request(server)
            .get(`${domain}/users?cursor=${MAX_USER_ID}`)
            .set(authFor("admin"));
          expect(last.body).toEqual({ users: [], nextCursor: null });
          const removed = await request(server)
            .delete(`${domain}/users/${MAX_USER_ID}`)
            .set(authFor("events"));
          expect(removed.status).toBe(200);
        }),
        { numRuns: 8 },
      );
    }, 60_000);

    it("still serves health and a normal login afterwards", async () => {
      const health = await request(server).get("/health");
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: "ok" });
      const ready = await request(server).get("/ready");
      expect(ready.status).toBe(200);
      const login = () =>
        request(server)
          .post("/v1/domains/1/users/424242424242/logged-in")
          .set("Authorization", `Bearer ${SECRETS.final}`)
          .send({ email: "after.fuzz@example.org", firstName: "After", lastName: "Fuzz" });
      const first = await login();
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(["created-contact", "linked-existing"]).toContain(first.body.outcome);
      const second = await login();
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        outcome: "already-linked",
        contactId: first.body.contactId,
        link: { domainId: 1, userId: 424242424242, contactId: first.body.contactId },
      });
    });
  });
}

describe("HTTP fuzzing: the rate limit", () => {
  it("answers 429 RateLimited in the error shape once a key is over its limit", async () => {
    const container = buildContainer({ store: "memory" });
    const limitedStore = container.get(TOKENS.Store);
    const app = createHttpApp({
      routes: API_ROUTES,
      useCases: resolveUseCases(container),
      store: limitedStore,
      apiKeys: KEYS,
      logger: pino({ level: "silent" }),
      rateLimitPerMinute: 3,
      authFailuresPerMinute: 0,
    });
    const limited = app.listen(0, "127.0.0.1");
    await once(limited, "listening");
    try {
      const batch: FuzzRequest[] = Array.from({ length: 5 }, (_, index) => ({
        method: "post",
        path: `/v1/domains/1/users/${index + 1}/logged-in`,
        headers: { ...authFor("events"), "Content-Type": "application/json" },
        body: jsonBuffer({ email: `limited${index}@example.org` }),
      }));
      const previous = server;
      server = limited;
      try {
        const answers = await Promise.all(batch.map(send));
        const statuses = answers.map((answer) => answer.status).sort();
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        for (const [index, answer] of answers.entries()) {
          expect(problemWith(batch[index] as FuzzRequest, answer)).toBeNull();
        }
      } finally {
        server = previous;
      }
    } finally {
      limited.closeAllConnections();
      await new Promise((resolve) => limited.close(resolve));
      await limitedStore.close();
    }
  });
});
