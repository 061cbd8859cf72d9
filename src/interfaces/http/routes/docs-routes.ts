import { z } from "zod";
import { DOCS_CSP, DOCS_PATH, docsHtml, OPENAPI_PATH } from "../docs-page.js";
import { openApiDocument } from "../openapi.js";
import { packageVersion } from "../package-version.js";
import { defineRoute, type RouteDefinition } from "../route-kit.js";

/**
 * `/openapi.json` and `/docs`. The document lists every route, these two included, so they take
 * the route list as a function (called once, on the first request).
 */
export function docsRoutes(allRoutes: () => readonly RouteDefinition[]) {
  let document: ReturnType<typeof openApiDocument> | null = null;
  return [
    defineRoute({
      method: "get",
      path: OPENAPI_PATH,
      scope: null,
      summary: "This OpenAPI 3.1 document",
      tags: ["docs"],
      responses: {
        200: {
          description: "The OpenAPI 3.1 document of every route",
          schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
        },
      },
      handle: async () => {
        document ??= openApiDocument(allRoutes(), packageVersion());
        return { status: 200, body: document };
      },
    }),
    defineRoute({
      method: "get",
      path: DOCS_PATH,
      scope: null,
      page: true,
      summary: "A readable page of the OpenAPI document (HTML)",
      tags: ["docs"],
      responses: { 200: { description: "An HTML page (Swagger UI), served offline" } },
      handle: async () => ({
        status: 200,
        contentType: "text/html; charset=utf-8",
        body: docsHtml(),
        headers: { "Content-Security-Policy": DOCS_CSP },
      }),
    }),
  ];
}
