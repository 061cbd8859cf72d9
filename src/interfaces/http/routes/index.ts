import type { RouteDefinition } from "../route-kit.js";
import { healthRoutes } from "./health-routes.js";
import { userEventRoutes } from "./user-event-routes.js";

/** Every route of API.md, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly RouteDefinition[] = [...healthRoutes, ...userEventRoutes];
