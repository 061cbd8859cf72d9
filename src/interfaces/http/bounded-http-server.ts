import { createServer, type RequestListener, type Server } from "node:http";
import type { HttpBounds } from "../../infrastructure/container/index.js";

/**
 * Node enforces the headers and request timeouts only when it checks its connections, every
 * 30 s by default: a 10 s headers timeout could then run to 40 s.
 */
const checkingIntervalMs = (bounds: HttpBounds) =>
  Math.max(50, Math.min(1_000, bounds.headersTimeoutMs));

/** An HTTP server for `app` that holds connections only within `bounds`. */
export function boundedHttpServer(app: RequestListener, bounds: HttpBounds): Server {
  const server = createServer(
    {
      headersTimeout: bounds.headersTimeoutMs,
      requestTimeout: bounds.requestTimeoutMs,
      keepAliveTimeout: bounds.keepAliveTimeoutMs,
      maxHeaderSize: bounds.maxHeaderBytes,
      connectionsCheckingInterval: checkingIntervalMs(bounds),
    },
    app,
  );
  server.maxConnections = bounds.maxConnections;
  return server;
}
