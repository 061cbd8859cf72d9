import { readFileSync } from "node:fs";

/**
 * civilink's version from its package.json, three folders up from this file both in `src/`
 * (tsx, vitest) and in `dist/` (the built package).
 */
export function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === "string" ? version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}
