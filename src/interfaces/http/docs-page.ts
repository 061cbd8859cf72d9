import { Router } from "express";
import swaggerUi from "swagger-ui-express";

/**
 * `GET /docs`: Swagger UI over `/openapi.json`, served entirely from this process (the assets
 * come from the swagger-ui-dist package; nothing is fetched from the internet).
 */
export const DOCS_PATH = "/docs";
export const OPENAPI_PATH = "/openapi.json";

/** The only files served under /docs/: no index.html, package.json or source maps. */
const ASSETS = [
  "/swagger-ui.css",
  "/swagger-ui-bundle.js",
  "/swagger-ui-standalone-preset.js",
  "/swagger-ui-init.js",
  "/favicon-32x32.png",
  "/favicon-16x16.png",
];

const uiOptions = {
  swaggerUrl: OPENAPI_PATH,
  customSiteTitle: "civilink API",
  // No validator badge: it would load an image from the internet.
  swaggerOptions: { validatorUrl: null },
};

/**
 * The page's own policy: helmet's default one without `upgrade-insecure-requests` (which would
 * send the page's script and style requests to https:// on a plain-HTTP server) and without
 * remote styles. Scripts only from this origin, so the page runs no inline script.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join("; ");

let html: string | null = null;

/** The page, its asset URLs made absolute so that `/docs` and `/docs/` both work. */
export function docsHtml(): string {
  html ??= swaggerUi
    .generateHTML(undefined, uiOptions)
    .replaceAll(/(href|src)="\.\//g, `$1="${DOCS_PATH}/`);
  return html;
}

/** The page's scripts, style sheet and icons, mounted at /docs. */
export function docsAssets(): Router {
  const router = Router();
  router.get(ASSETS, ...swaggerUi.serveFiles(undefined, uiOptions));
  return router;
}
