import { z } from "zod";
import { defineRoute } from "../route-kit.js";

export const healthRoutes = [
  defineRoute({
    method: "get",
    path: "/health",
    scope: null,
    summary: "The process runs",
    tags: ["health"],
    responses: { 200: { description: "Alive", schema: z.object({ status: z.literal("ok") }) } },
    handle: async () => ({ status: 200, body: { status: "ok" } }),
  }),
  defineRoute({
    method: "get",
    path: "/ready",
    scope: null,
    summary: "The store answers",
    tags: ["health"],
    responses: {
      200: { description: "Ready", schema: z.object({ status: z.literal("ready") }) },
      503: { description: "StoreUnavailable" },
    },
    handle: async (_input, { store }) =>
      (await store.ping())
        ? { status: 200, body: { status: "ready" } }
        : { error: { kind: "StoreUnavailable", message: "The store does not answer." } },
  }),
];
