import type { RouteDefinition } from "../route-kit.js";
import { apiKeyRoutes } from "./api-key-routes.js";
import { consoleRoutes } from "./console-routes.js";
import { contactRoutes } from "./contact-routes.js";
import { docsRoutes } from "./docs-routes.js";
import { domainRoutes } from "./domain-routes.js";
import { healthRoutes } from "./health-routes.js";
import { journalRoutes } from "./journal-routes.js";
import { linkRoutes } from "./link-routes.js";
import { syncRoutes } from "./sync-routes.js";
import { userDirectoryRoutes } from "./user-directory-routes.js";
import { userEventRoutes } from "./user-event-routes.js";

/**
 * Every route of docs/contract.md and those added for the admin console (docs/http.md), in the order the
 * OpenAPI document lists them.
 */
export const API_ROUTES: readonly RouteDefinition[] = [
  ...healthRoutes,
  ...docsRoutes(() => API_ROUTES),
  ...consoleRoutes,
  ...apiKeyRoutes,
  ...domainRoutes,
  ...userEventRoutes,
  ...linkRoutes,
  ...contactRoutes,
  ...userDirectoryRoutes,
  ...syncRoutes,
  ...journalRoutes,
];
