import { z } from "zod";
import { STATUS_OF_KIND } from "./http-errors.js";
import type { RouteDefinition } from "./route-kit.js";

const errorSchema = z.object({
  error: z.object({
    kind: z.enum(Object.keys(STATUS_OF_KIND) as [string, ...string[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

const outputSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;

function parametersOf(route: RouteDefinition) {
  const parameters: unknown[] = [];
  const add = (where: "path" | "query", schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = jsonSchema(schema) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      parameters.push({
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  };
  add("path", route.params);
  add("query", route.query);
  return parameters;
}

/** The OpenAPI 3.1 document of every route, generated from the schemas the routes validate with. */
export function openApiDocument(routes: readonly RouteDefinition[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { "application/json": { schema: outputSchema(response.schema) } } }
          : {}),
      };
    }
    responses.default = {
      description: "An error (docs/contract.md error shape)",
      content: { "application/json": { schema: outputSchema(errorSchema) } },
    };
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: route.tags,
      parameters: parametersOf(route),
      responses,
      ...(route.scope ? { security: [{ bearer: [] }], "x-scope": route.scope } : {}),
    };
    if (route.body) {
      operation.requestBody = {
        required: !route.bodyOptional,
        content: { "application/json": { schema: jsonSchema(route.body) } },
      };
    }
    if (route.stream) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          route.stream.mediaTypes.map((type) => [type, { schema: { type: "string" } }]),
        ),
      };
    }
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "civilink",
      version,
      description: "Links CMS user accounts to CRM contacts.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    paths,
  };
}
