import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpBounds } from "../../src/infrastructure/config/config.js";
import { buildContainer } from "../../src/infrastructure/container/composition-root.js";
import { apiKey } from "../../src/interfaces/http/api-keys.js";
import { type RunningServer, startServer } from "../../src/interfaces/http/server.js";
import {
  firstStatus,
  keepAliveGet,
  type RawConnection,
  rawConnection,
} from "./support/raw-connection.js";

/** The server bounds headers, request and idle times and its connections (docs/http.md). */

const ADMIN = "bounds-admin-secret";

/** Bounds that none of these tests reaches; each test tightens the one it is about. */
const LOOSE: HttpBounds = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 20_000,
  maxConnections: 100,
  maxHeaderBytes: 16_384,
};

const servers: RunningServer[] = [];
const connections: RawConnection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serverWith(bounds: Partial<HttpBounds>): Promise<string> {
  const server = await startServer({
    container: buildContainer({ store: "memory" }),
    apiKeys: [apiKey("ops", ADMIN, ["admin"])],
    logger: pino({ level: "silent" }),
    rateLimitPerMinute: 0,
    authFailuresPerMinute: 0,
    bounds: { ...LOOSE, ...bounds },
    host: "127.0.0.1",
    port: 0,
  });
  servers.push(server);
  return server.url;
}

async function connect(url: string): Promise<RawConnection> {
  const connection = await rawConnection(url);
  connections.push(connection);
  return connection;
}

const HEALTH_ANSWER = /\{"status":"ok"\}$/;

describe("HTTP connection bounds", () => {
  it("closes a keep-alive connection that stays idle past the keep-alive timeout", async () => {
    const url = await serverWith({ keepAliveTimeoutMs: 300 });
    const connection = await connect(url);
    connection.socket.write(keepAliveGet("/health"));
    expect(await connection.receivedAtLeast(HEALTH_ANSWER)).toMatch(HEALTH_ANSWER);
    // The connection is reusable while it is not idle for long...
    connection.socket.write(keepAliveGet("/health"));
    const twoAnswers = /ok"\}[\s\S]*ok"\}$/;
    expect(await connection.receivedAtLeast(twoAnswers)).toMatch(twoAnswers);
    const answeredAt = Date.now();
    // ...and closed soon after the timeout (Node adds up to a second of grace to it).
    const closedAfter = await connection.closedWithin(3_000, answeredAt);
    expect(closedAfter).not.toBeNull();
    expect(closedAfter).toBeGreaterThanOrEqual(250);
  });

  it("closes a connection that sends nothing after the headers timeout", async () => {
    const url = await serverWith({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const connection = await connect(url);
    const closedAfter = await connection.closedWithin(2_500);
    expect(closedAfter).not.toBeNull();
    expect(closedAfter).toBeGreaterThanOrEqual(450);
    expect(firstStatus(connection.received())).toBe(408);
  });

  it("cuts a client that sends its headers slowly after the headers timeout", async () => {
    const url = await serverWith({ headersTimeoutMs: 500, requestTimeoutMs: 60_000 });
    const connection = await connect(url);
    const startedAt = Date.now();
    // 5 s worth of headers, one byte every 50 ms: each byte keeps the socket busy.
    void connection.trickle(
      `GET /health HTTP/1.1\r\nHost: civilink.test\r\nX-Slow: ${"a".repeat(100)}`,
      50,
    );
    const closedAfter = await connection.closedWithin(2_500, startedAt);
    expect(closedAfter).not.toBeNull();
    expect(firstStatus(connection.received())).toBe(408);
  });

  it("cuts a request whose body arrives slower than the request timeout allows", async () => {
    const url = await serverWith({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const connection = await connect(url);
    const body = `${JSON.stringify({ userId: 1, email: "slow@example.org" })}\n`.repeat(20);
    const startedAt = Date.now();
    connection.socket.write(
      "POST /v1/domains/1/users/import HTTP/1.1\r\nHost: civilink.test\r\n" +
        `Authorization: Bearer ${ADMIN}\r\nContent-Type: application/x-ndjson\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    void connection.trickle(body, 50, 5);
    const closedAfter = await connection.closedWithin(3_000, startedAt);
    expect(closedAfter).not.toBeNull();
    expect(closedAfter).toBeGreaterThanOrEqual(950);
    expect(firstStatus(connection.received())).toBe(408);
  });

  it("closes connections beyond the maximum at once, and takes new ones when there is room", async () => {
    const url = await serverWith({ maxConnections: 2 });
    const held = [await connect(url), await connect(url)];
    for (const connection of held) {
      connection.socket.write(keepAliveGet("/health"));
      expect(await connection.receivedAtLeast(HEALTH_ANSWER)).toMatch(HEALTH_ANSWER);
    }
    const beyond = await connect(url);
    beyond.socket.write(keepAliveGet("/health"));
    expect(await beyond.closedWithin(1_000)).not.toBeNull();
    expect(beyond.received()).toBe("");

    held[0]?.socket.destroy();
    await held[0]?.closedWithin(1_000);
    const again = await connect(url);
    again.socket.write(keepAliveGet("/health"));
    expect(firstStatus(await again.receivedAtLeast(HEALTH_ANSWER))).toBe(200);
  });

  it("answers 431 to request headers larger than the maximum", async () => {
    const url = await serverWith({ maxHeaderBytes: 4_096 });
    const small = await connect(url);
    small.socket.write(keepAliveGet("/health", `X-Padding: ${"a".repeat(3_000)}\r\n`));
    expect(firstStatus(await small.receivedAtLeast(HEALTH_ANSWER))).toBe(200);
    const large = await connect(url);
    large.socket.write(keepAliveGet("/health", `X-Padding: ${"a".repeat(6_000)}\r\n`));
    expect(await large.closedWithin(1_000)).not.toBeNull();
    expect(firstStatus(large.received())).toBe(431);
  });
});
