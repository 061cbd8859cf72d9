import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import express from "express";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_HTTP_BOUNDS } from "../../src/infrastructure/config/config.js";
import { buildContainer } from "../../src/infrastructure/container/composition-root.js";
import { apiKey } from "../../src/interfaces/http/api-keys.js";
import { answerParserErrors } from "../../src/interfaces/http/parser-errors.js";
import { type RunningServer, startServer } from "../../src/interfaces/http/server.js";
import { makeHarness } from "./support/http-harness.js";

/**
 * What Node's HTTP parser refuses never reaches Express: these tests talk raw TCP to a running
 * server and expect the JSON error shape of docs/contract.md, then the connection closed.
 */

const silent = pino({ level: "silent" });

let running: RunningServer | null = null;
const servers: Server[] = [];

afterEach(async () => {
  await running?.stop();
  running = null;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function started(): Promise<{ host: string; port: number }> {
  running = await startServer({
    container: buildContainer({ store: "memory" }),
    apiKeys: [apiKey("ops", "parser-errors-admin-secret", ["admin"])],
    logger: silent,
    rateLimitPerMinute: 0,
    authFailuresPerMinute: 0,
    bounds: DEFAULT_HTTP_BOUNDS,
    host: "127.0.0.1",
    port: 0,
  });
  const url = new URL(running.url);
  return { host: url.hostname, port: Number(url.port) };
}

/** Writes `bytes` on a new connection and reads everything the server sends until it closes. */
async function exchange(address: { host: string; port: number }, bytes: string | Buffer) {
  const socket = connect(address.port, address.host);
  await once(socket, "connect");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.write(bytes);
  await once(socket, "close");
  return Buffer.concat(chunks).toString("latin1");
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function parsed(raw: string): RawResponse {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) };
}

const expectRefusal = (response: RawResponse, status: number, kind: string) => {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(response.headers.connection).toBe("close");
  expect(response.headers["x-request-id"]).toMatch(/^[\w-]+$/);
  expect(response.body).toEqual({ error: { kind, message: expect.any(String) } });
};

describe("requests Node's HTTP parser refuses", () => {
  it("answers a request line that is not HTTP with 400 MalformedRequest", async () => {
    const address = await started();
    const raw = await exchange(address, "GARBAGE\r\n\r\n");
    expectRefusal(parsed(raw), 400, "MalformedRequest");
    const header = await exchange(address, "GET /health HTTP/1.1\r\nHost x\r\n\r\n");
    expectRefusal(parsed(header), 400, "MalformedRequest");
  });

  it("answers headers over 16 KiB with 431 HeadersTooLarge", async () => {
    const address = await started();
    const big = `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n\r\n`;
    expectRefusal(parsed(await exchange(address, big)), 431, "HeadersTooLarge");
  });

  it("answers a request that does not arrive in time with 408 RequestTimeout", async () => {
    // The production timeouts are minutes long; a server of its own checks every 50 ms.
    const server = createServer(
      { requestTimeout: 300, headersTimeout: 300, connectionsCheckingInterval: 50 },
      makeHarness().app,
    );
    servers.push(server);
    answerParserErrors(server, silent);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const raw = await exchange({ host: "127.0.0.1", port }, "GET /health HTTP/1.1\r\nHost: x\r\n");
    expectRefusal(parsed(raw), 408, "RequestTimeout");
  });

  it("still answers a good request on the same server, and the docs list the new kinds", async () => {
    const address = await started();
    const raw = await exchange(
      address,
      "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const document = await exchange(
      address,
      "GET /openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    for (const kind of ["MalformedRequest", "RequestTimeout", "HeadersTooLarge"]) {
      expect(document).toContain(`"${kind}"`);
    }
  });

  it("writes nothing into a response that has started: the connection is closed instead", async () => {
    const app = express();
    app.get("/slow", (_request, response) => {
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.write("started");
    });
    const server = createServer(app);
    servers.push(server);
    answerParserErrors(server, silent);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await once(socket, "data");
    socket.write("GARBAGE\r\n\r\n");
    await once(socket, "close");
    const raw = Buffer.concat(chunks).toString("latin1");
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw).toContain("started");
    expect(raw).not.toContain("MalformedRequest");
  });
});
