import { isUtf8 } from "node:buffer";

/** Bytes (or text) as they arrive: a request, a file stream, or chunks in memory. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** One physical line of a text input (1-based), or why it could not be read. */
export type Line = { line: number; text: string } | { line: number; error: string };

/** Far above a valid line (six fields of 1000 characters, even all escaped), far below harm. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Why a line is rejected when its bytes are not UTF-8 (NDJSON and CSV alike). */
export const NOT_UTF8 = "the line is not valid UTF-8";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Splits a byte stream into its lines as it arrives, holding one line at most: a line longer
 * than `maxBytes` is reported as an error and skipped without being kept. Every `\n` ends a
 * line (a `\r` before it is dropped); a last line without one counts too; a UTF-8 byte order
 * mark at the start is dropped. A line that is not valid UTF-8 is reported as an error.
 */
export async function* lines(input: ByteSource, maxBytes = MAX_LINE_BYTES): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 1;

  const take = (part: Buffer) => {
    if (tooLong || part.length === 0) return;
    if (size + part.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(part);
    size += part.length;
  };

  const finish = (): Line => {
    const line = number++;
    if (tooLong) {
      tooLong = false;
      return { line, error: `the line is longer than ${maxBytes} bytes` };
    }
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (line === 1 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, -1);
    }
    if (!isUtf8(bytes)) return { line, error: NOT_UTF8 };
    return { line, text: bytes.toString("utf8") };
  };

  for await (const chunk of input) {
    const buffer = bufferOf(chunk);
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start);
      if (end < 0) break;
      take(buffer.subarray(start, end));
      yield finish();
      start = end + 1;
    }
    take(buffer.subarray(start));
  }
  if (size > 0 || tooLong) yield finish();
}

/** The chunk's bytes, without copying them. */
export function bufferOf(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (Buffer.isBuffer(chunk)) return chunk;
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
