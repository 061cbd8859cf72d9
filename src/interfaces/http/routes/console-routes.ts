import { CONSOLE_CSP, CONSOLE_PATH, consoleNotBuiltPage, consolePage } from "../admin-console.js";
import { defineRoute } from "../route-kit.js";
import { noQuery } from "../schemas.js";

export const consoleRoutes = [
  defineRoute({
    method: "get",
    path: CONSOLE_PATH,
    scope: null,
    page: true,
    summary:
      "The admin console (HTML); every action it offers uses this API with the key signed in",
    tags: ["console"],
    query: noQuery,
    responses: {
      200: { description: "The console's page" },
      503: { description: "The console is not built (run npm run build): an HTML page saying so" },
    },
    handle: async () => {
      const html = consolePage();
      return {
        status: html === null ? 503 : 200,
        contentType: "text/html; charset=utf-8",
        body: html ?? consoleNotBuiltPage(),
        headers: { "Content-Security-Policy": CONSOLE_CSP, "Cache-Control": "no-cache" },
      };
    },
  }),
];
