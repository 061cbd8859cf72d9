import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler } from "express";

/**
 * `GET /admin`: the browser console of `console/`, built by `npm run build` into
 * `dist/console` (three folders up from this file both in `src/` and in `dist/`). It is a
 * client of the public API like any other: the page needs no key, every action sends the key
 * the person signs in with.
 */
export const CONSOLE_PATH = "/admin";
const ASSETS_PATH = `${CONSOLE_PATH}/assets`;
const BUILT = fileURLToPath(new URL("../../../dist/console/", import.meta.url));

/** The only files served under /admin/assets. */
const ASSETS = ["/console.js", "/console.css"];

/**
 * Scripts and styles from this origin only, no inline script or style, requests to this
 * origin only, no frames. Without `upgrade-insecure-requests`, which would send the page's
 * requests to https:// on a plain-HTTP server.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join("; ");

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>civilink console</title></head>
<body><h1>The console is not built</h1>
<p>Run <code>npm run build</code> in civilink's folder (<code>npm start</code> does it), then reload this page.</p>
</body></html>`;

let page: string | null = null;

/** The console's page, or null while it is not built. */
export function consolePage(): string | null {
  if (page !== null) return page;
  try {
    page = readFileSync(`${BUILT}index.html`, "utf8");
  } catch {
    return null;
  }
  return page;
}

export const consoleNotBuiltPage = () => NOT_BUILT;

/** The console's script and style sheet, mounted at /admin/assets; anything else falls through. */
export function consoleAssets(): [string, RequestHandler] {
  const files = express.static(BUILT, { index: false, fallthrough: true, maxAge: 0 });
  const only: RequestHandler = (request, response, next) =>
    ASSETS.includes(request.path) ? files(request, response, next) : next();
  return [ASSETS_PATH, only];
}
