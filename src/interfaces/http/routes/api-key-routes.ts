import { z } from "zod";
import { type ApiKey, effectiveScopes, SCOPES } from "../api-keys.js";
import { defineRoute } from "../route-kit.js";
import { noQuery } from "../schemas.js";

const meSchema = z.object({ name: z.string(), scopes: z.array(z.enum(SCOPES)) });

export const apiKeyRoutes = [
  defineRoute({
    method: "get",
    path: "/v1/me",
    scope: "any",
    summary:
      "The key this request was made with: its name and its scopes in effect (admin has all three)",
    tags: ["api keys"],
    query: noQuery,
    responses: { 200: { description: "The key", schema: meSchema } },
    handle: async (_input, { response }) => {
      const key = response.locals.apiKey as ApiKey;
      return { status: 200, body: { name: key.name, scopes: effectiveScopes(key) } };
    },
  }),
];
