import { describe, expect, it } from "vitest";
import { z } from "zod";
import { API_ROUTES } from "../../src/interfaces/http/routes/index.js";
import {
  contactDefinitionSchema,
  domainDefinitionSchema,
  domainSchema,
} from "../../src/interfaces/http/schemas.js";
import { makeHarness } from "./support/http-harness.js";
import { openApiProblems } from "./support/openapi-structure.js";

/** Every route of docs/contract.md, as `METHOD path`. */
const API_MD_ROUTES = [
  "GET /health",
  "GET /ready",
  "GET /openapi.json",
  "GET /docs",
  "GET /v1/domains",
  "GET /v1/domains/{domainId}",
  "PUT /v1/domains/{domainId}",
  "POST /v1/domains/{domainId}/users/{userId}/registered",
  "POST /v1/domains/{domainId}/users/{userId}/logged-in",
  "POST /v1/domains/{domainId}/users/{userId}/interactions",
  "PUT /v1/domains/{domainId}/users/{userId}",
  "DELETE /v1/domains/{domainId}/users/{userId}",
  "POST /v1/domains/{domainId}/interactions",
  "GET /v1/domains/{domainId}/users/{userId}/link",
  "GET /v1/domains/{domainId}/links",
  "POST /v1/contacts",
  "GET /v1/contacts/{contactId}",
  "GET /v1/contacts",
  "PATCH /v1/contacts/{contactId}",
  "DELETE /v1/contacts/{contactId}",
  "POST /v1/domains/{domainId}/users/import",
  "GET /v1/domains/{domainId}/users",
  "POST /v1/domains/{domainId}/sync",
  "GET /v1/sync-jobs/{jobId}",
  "GET /v1/domains/{domainId}/outbox",
  "GET /v1/domains/{domainId}/audit",
];

/** The routes added for the admin console (docs/http.md), with the scope each needs. */
const CONSOLE_ROUTES: [string, string][] = [
  ["GET /v1/me", "any"],
  ["GET /v1/domains/{domainId}/sync-jobs", "read"],
  ["GET /v1/domains/{domainId}/counts", "read"],
  ["POST /v1/contacts/{contactId}/restore", "admin"],
];

type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );

async function fetchDocument() {
  const h = makeHarness();
  const response = await h.http.get("/openapi.json");
  return { h, response, document: response.body as Document };
}

describe("GET /openapi.json", () => {
  it("answers without a key, as JSON", async () => {
    const { response } = await fetchDocument();
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("is a structurally valid OpenAPI 3.1 document", async () => {
    const { document } = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toMatchObject({ title: "civilink", version: expect.any(String) });
    expect(openApiProblems(document)).toEqual([]);
  });

  it("finds the problems of a broken document (the check itself works)", () => {
    const broken = {
      openapi: "3.0.0",
      info: { title: "x" },
      paths: {
        "/a/{id}": { get: { responses: { 200: {} }, security: [{ nope: [] }] } },
        b: { fetch: {} },
      },
    };
    expect(openApiProblems(broken)).toEqual(
      expect.arrayContaining([
        "openapi: must be 3.1.x",
        "info.version: is required",
        "b: a path must start with /",
        "b: unknown field fetch",
        "GET /a/{id}: path parameters  do not match the template",
        "GET /a/{id} response 200: needs a description",
        "GET /a/{id} security: unknown scheme nope",
      ]),
    );
  });

  it("has every route of docs/contract.md with its method, and the scope each needs", async () => {
    const { document } = await fetchDocument();
    const operations = operationsOf(document);
    for (const route of API_MD_ROUTES) expect(operations, route).toContain(route);
    expect(operations).toHaveLength(API_ROUTES.length);
    const open = ["GET /health", "GET /ready", "GET /openapi.json", "GET /docs", "GET /admin"];
    for (const operation of operations) {
      const [method, path] = operation.split(" ") as [string, string];
      const entry = document.paths[path]?.[method.toLowerCase()];
      if (open.includes(operation)) expect(entry?.security, operation).toBeUndefined();
      else expect(entry?.security, operation).toEqual([{ bearer: [] }]);
    }
    expect(document.paths["/v1/domains/{domainId}"]?.put?.["x-scope"]).toBe("admin");
    expect(document.paths["/v1/contacts"]?.get?.["x-scope"]).toBe("read");
  });

  it("has the routes of the admin console, with their scopes and query parameters", async () => {
    const { document } = await fetchDocument();
    for (const [route, scope] of CONSOLE_ROUTES) {
      const [method, path] = route.split(" ") as [string, string];
      expect(document.paths[path]?.[method.toLowerCase()]?.["x-scope"], route).toBe(scope);
    }
    type Parameters = { parameters?: { name: string; in: string; required: boolean }[] };
    const queryOf = (path: string) =>
      ((document.paths[path]?.get as Parameters | undefined)?.parameters ?? [])
        .filter((parameter) => parameter.in === "query")
        .map((parameter) => `${parameter.name}:${parameter.required}`);
    expect(queryOf("/v1/contacts")).toEqual([
      "email:false",
      "name:false",
      "includeDeleted:false",
      "limit:false",
      "cursor:false",
    ]);
    expect(queryOf("/v1/domains/{domainId}/users")).toEqual([
      "linked:false",
      "limit:false",
      "cursor:false",
    ]);
    expect(queryOf("/v1/domains/{domainId}/outbox")).toEqual([
      "userId:false",
      "after:false",
      "limit:false",
    ]);
    expect(queryOf("/v1/domains/{domainId}/sync-jobs")).toEqual(["limit:false", "cursor:false"]);
  });

  it("is generated from the zod schemas the routes validate with", async () => {
    const { document } = await fetchDocument();
    const input = (schema: z.ZodType) =>
      z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
    const put = document.paths["/v1/domains/{domainId}"]?.put as {
      requestBody: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    expect(put.requestBody.content["application/json"]?.schema).toEqual(
      input(domainDefinitionSchema),
    );
    expect(put.responses["200"]?.content["application/json"]?.schema).toEqual(
      z.toJSONSchema(domainSchema, { io: "output", unrepresentable: "any" }),
    );
    const post = document.paths["/v1/contacts"]?.post as typeof put;
    expect(post.requestBody.content["application/json"]?.schema).toEqual(
      input(contactDefinitionSchema),
    );
    expect(Object.keys(post.responses)).toContain("201");
    const links = document.paths["/v1/domains/{domainId}/links"]?.get as {
      parameters: { name: string; in: string; required: boolean }[];
    };
    expect(links.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      "path:domainId:true",
      "query:contactId:false",
      "query:email:false",
      "query:limit:false",
      "query:cursor:false",
    ]);
  });
});

describe("GET /docs", () => {
  const assetUrls = (html: string) =>
    [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/g)].map(
      (match) => match[1] as string,
    );

  it("answers an HTML page without a key", async () => {
    const h = makeHarness();
    const response = await h.http.get("/docs");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.text).toContain('<div id="swagger-ui">');
    expect(response.text).toContain("<title>civilink API</title>");
  });

  it("loads every script, style sheet and icon from this server", async () => {
    const h = makeHarness();
    const html = (await h.http.get("/docs")).text;
    const urls = assetUrls(html);
    expect(urls).toEqual(
      expect.arrayContaining([
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui-standalone-preset.js",
        "/docs/swagger-ui-init.js",
      ]),
    );
    for (const url of urls) {
      expect(url, "same origin, no CDN").toMatch(/^\/docs\/[\w.-]+$/);
      const asset = await h.http.get(url);
      expect(asset.status, url).toBe(200);
      const type = String(asset.headers["content-type"]);
      if (url.endsWith(".js")) expect(type).toMatch(/^(application|text)\/javascript/);
      if (url.endsWith(".css")) expect(type).toMatch(/^text\/css/);
      if (url.endsWith(".png")) expect(type).toBe("image/png");
      expect(Number(asset.headers["content-length"] ?? asset.body.length)).toBeGreaterThan(0);
    }
    const bundle = await h.http.get("/docs/swagger-ui-bundle.js");
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const css = await h.http.get("/docs/swagger-ui.css");
    expect(css.text).toContain(".swagger-ui");
  });

  it("points the page at /openapi.json, with no request to the internet", async () => {
    const h = makeHarness();
    const init = (await h.http.get("/docs/swagger-ui-init.js")).text;
    expect(init).toContain('"swaggerUrl": "/openapi.json"');
    expect(init).toContain('"validatorUrl": null');
    expect(init).not.toMatch(/https?:\/\//);
    const html = (await h.http.get("/docs")).text;
    expect(html.replaceAll("http://www.w3.org/", "")).not.toMatch(/https?:\/\//);
  });

  it("has a content security policy the page works under", async () => {
    const h = makeHarness();
    const response = await h.http.get("/docs");
    const csp = String(response.headers["content-security-policy"]);
    const directives = new Map(
      csp.split(";").map((part) => {
        const [name, ...values] = part.trim().split(/\s+/);
        return [name as string, values];
      }),
    );
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("img-src")).toEqual(expect.arrayContaining(["'self'", "data:"]));
    expect(directives.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    // Would send the page's own requests to https:// on a plain-HTTP server.
    expect(directives.has("upgrade-insecure-requests")).toBe(false);
    // script-src 'self' forbids inline scripts: the page must have none.
    const scripts = [...response.text.matchAll(/<script\b([^>]*)>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes] of scripts) expect(attributes).toMatch(/\bsrc=/);
    expect(response.text).not.toMatch(/\son[a-z]+=/i);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("serves /docs/ the same page and nothing but the page's assets", async () => {
    const h = makeHarness();
    expect((await h.http.get("/docs/")).text).toBe((await h.http.get("/docs")).text);
    for (const path of ["/docs/index.html", "/docs/package.json", "/docs/swagger-ui.js.map"]) {
      const response = await h.http.get(path);
      expect(response.status, path).toBe(404);
      expect(response.body.error.kind).toBe("NotFound");
    }
    const post = await h.http.post("/docs/swagger-ui.css");
    expect(post.status).toBe(404);
  });
});
