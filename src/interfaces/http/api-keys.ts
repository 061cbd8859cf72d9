import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const SCOPES = ["events", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

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
    const scopes = scopeList.split("+");
    const unknown = scopes.find((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown !== undefined)
      return `entry ${index + 1} (${name}) has an unknown scope "${unknown}"`;
    if (keys.some((key) => key.name === name)) return `the name ${name} is used twice`;
    keys.push(apiKey(name, secret, scopes as Scope[]));
  }
  if (keys.length === 0) return "no key is given";
  return keys;
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

/** admin implies the other two scopes (API.md). */
export const allows = (key: ApiKey, scope: Scope): boolean =>
  key.scopes.has(scope) || key.scopes.has("admin");
