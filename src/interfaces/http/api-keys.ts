import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const SCOPES = ["events", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** What a route asks of a key: a scope, or `any` valid key whatever its scopes. */
export type RouteScope = Scope | "any";

export interface ApiKey {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** SHA-256 of the secret: secrets are compared in constant time and never kept in clear. */
  digest: Buffer;
}

const digestOf = (secret: string) => createHash("sha256").update(secret, "utf8").digest();

export function apiKey(name: string, secret: string, scopes: Iterable<Scope>): ApiKey {
  return { name, scopes: new Set(scopes), digest: digestOf(secret) };
}

/**
 * Parses `CIVILINK_API_KEYS`: comma-separated `name:secret:scopes`, scopes joined by `+`.
 * Answers the keys or the reason the value is not valid (never quoting a secret).
 */
export function parseApiKeys(value: string): ApiKey[] | string {
  const keys: ApiKey[] = [];
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const parts = entry.split(":");
    if (parts.length !== 3) return `entry ${index + 1} is not name:secret:scopes`;
    const [name, secret, scopeList] = parts as [string, string, string];
    if (!name || !secret) return `entry ${index + 1} has an empty name or secret`;
    const unusable = unusableSecret(secret);
    if (unusable) return `entry ${index + 1} (${name}) has a secret ${unusable}`;
    const scopes = scopeList.split("+");
    const unknown = scopes.find((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown !== undefined)
      return `entry ${index + 1} (${name}) has an unknown scope "${unknown}"`;
    if (keys.some((key) => key.name === name)) return `the name ${name} is used twice`;
    const key = apiKey(name, secret, scopes as Scope[]);
    // findKey answers the first key with a matching secret: a later one could never be used.
    const sameSecret = keys.findIndex((earlier) => earlier.digest.equals(key.digest));
    if (sameSecret !== -1) {
      const earlier = keys[sameSecret] as ApiKey;
      return `entries ${sameSecret + 1} (${earlier.name}) and ${index + 1} (${name}) have the same secret, so ${name} can never authenticate`;
    }
    keys.push(key);
  }
  if (keys.length === 0) return "no key is given";
  return keys;
}

/**
 * Why a request could never present this secret, or null. The bearer parser takes the key as
 * one run of non-whitespace, and Node reads header values as Latin-1 and refuses control
 * characters in them.
 */
function unusableSecret(secret: string): string | null {
  if (/\s/.test(secret)) return "with whitespace, which can never authenticate";
  const outsideHeaders = [...secret].some((character) => {
    const code = character.codePointAt(0) as number;
    return code < 0x20 || code === 0x7f || code > 0xff;
  });
  if (outsideHeaders)
    return "with a character that an HTTP header cannot carry, which can never authenticate";
  return null;
}

export const generateSecret = () => randomBytes(24).toString("base64url");

/** The key whose secret this is; every key is compared, in constant time each. */
export function findKey(keys: readonly ApiKey[], secret: string): ApiKey | undefined {
  const digest = digestOf(secret);
  let found: ApiKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, digest) && !found) found = key;
  }
  return found;
}

/** admin implies the other two scopes (docs/contract.md). */
export const allows = (key: ApiKey, scope: RouteScope): boolean =>
  scope === "any" || key.scopes.has(scope) || key.scopes.has("admin");

/** The scopes a key has in effect, in the order of SCOPES: all three for an admin key. */
export const effectiveScopes = (key: ApiKey): Scope[] =>
  SCOPES.filter((scope) => allows(key, scope));
