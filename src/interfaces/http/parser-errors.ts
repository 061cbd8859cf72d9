import { randomUUID } from "node:crypto";
import { type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { type HttpError, STATUS_OF_KIND } from "./http-errors.js";

/** Node's names for what its HTTP parser refused, with what the client is told. */
function refusalOf(code: string | undefined): HttpError {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { kind: "HeadersTooLarge", message: "The request's headers are too large." };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { kind: "PayloadTooLarge", message: "The request's chunk extensions are too large." };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { kind: "RequestTimeout", message: "The request did not arrive in time." };
    default:
      return { kind: "MalformedRequest", message: "The request is not valid HTTP." };
  }
}

/** A whole HTTP response in the error shape of docs/contract.md, as bytes for the socket. */
function rawErrorResponse(error: HttpError): string {
  const status = STATUS_OF_KIND[error.kind];
  const body = JSON.stringify({ error: { kind: error.kind, message: error.message } });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${randomUUID()}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * Answers what Node's HTTP parser refuses before Express sees a request (a malformed request
 * line, headers over the size limit, a request that did not arrive within the timeout) in the
 * JSON error shape, then closes the connection. Nothing is written when the connection cannot
 * take it: the client reset it, it is no longer writable, or a response on it has started
 * (writing another would corrupt that one).
 */
export function answerParserErrors(server: Server, logger: Logger): void {
  const answering = new WeakMap<Duplex, ServerResponse>();
  server.on("request", (request, response: ServerResponse) => {
    answering.set(request.socket, response);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = answering.get(socket);
    const responseStarted = inFlight?.headersSent === true && !inFlight.writableFinished;
    if (error.code === "ECONNRESET" || !socket.writable || responseStarted) {
      socket.destroy();
      return;
    }
    const refusal = refusalOf(error.code);
    logger.info(
      { err: { code: error.code }, res: { statusCode: STATUS_OF_KIND[refusal.kind] } },
      "request refused by the HTTP parser",
    );
    socket.end(rawErrorResponse(refusal), () => socket.destroy());
  });
}
