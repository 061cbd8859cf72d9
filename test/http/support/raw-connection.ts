import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A TCP connection to the server that the test writes by hand, as slowly as it likes. */
export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once the server sent this much (or more), or the connection closed. */
  receivedAtLeast(pattern: RegExp, ms?: number): Promise<string>;
  /** Milliseconds from `since` until the connection closed, or null if still open after `ms`. */
  closedWithin(ms: number, since?: number): Promise<number | null>;
  /** Writes `text` a piece at a time, `everyMs` apart, until it is all out or the connection closed. */
  trickle(text: string, everyMs: number, pieceLength?: number): Promise<void>;
}

/** Opens a connection to `url`'s host and port; resolves once it is connected. */
export async function rawConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = "";
  let closed = false;
  const whenClosed = new Promise<number>((resolve) =>
    socket.once("close", () => {
      closed = true;
      resolve(Date.now());
    }),
  );
  socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
  // A reset by the server shows as a close, which is what these tests look at.
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return {
    socket,
    received: () => received,
    receivedAtLeast: async (pattern, ms = 5_000) => {
      for (const deadline = Date.now() + ms; !pattern.test(received) && !closed; ) {
        if (Date.now() > deadline) break;
        await sleep(10);
      }
      return received;
    },
    closedWithin: async (ms, since = Date.now()) => {
      const timeout = sleep(Math.max(0, since + ms - Date.now())).then(() => null);
      const closedAt = await Promise.race([whenClosed, timeout]);
      return closedAt === null ? null : closedAt - since;
    },
    trickle: async (text, everyMs, pieceLength = 1) => {
      for (let at = 0; at < text.length && !closed; at += pieceLength) {
        socket.write(text.slice(at, at + pieceLength));
        await sleep(everyMs);
      }
    },
  };
}

/** A GET with keep-alive, as its request line and headers. */
export const keepAliveGet = (path: string, extraHeaders = "") =>
  `GET ${path} HTTP/1.1\r\nHost: civilink.test\r\nConnection: keep-alive\r\n${extraHeaders}\r\n`;

/** The status code of the first answer in `received`, or null if none came. */
export const firstStatus = (received: string): number | null => {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
  return match ? Number(match[1]) : null;
};
