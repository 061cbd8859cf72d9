import { isUtf8 } from "node:buffer";

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Follows a byte stream as it passes, line by line (a line ends at `\n`), and notes the lines
 * that are not valid UTF-8, without holding them: each piece is checked as it goes by, and a
 * character cut between two chunks (at most 3 bytes) is carried over to the next.
 */
export class InvalidUtf8Lines {
  private line = 1;
  private lineValid = true;
  private carried: Buffer = EMPTY;
  /** Invalid line numbers not yet asked about, ascending. */
  private readonly invalid: number[] = [];

  /** Checks the next chunk of the stream. */
  pass(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      this.check(chunk.subarray(start, end), true);
      this.endLine();
      start = end + 1;
    }
    this.check(chunk.subarray(start), false);
  }

  /** The stream ended: its last line, if it has no line break, is checked too. */
  end(): void {
    if (this.carried.length > 0) this.lineValid = false;
    this.endLine();
  }

  /**
   * Whether a line from `first` to `last` is not valid UTF-8. Lines are asked about in order:
   * the lines before `first` are forgotten.
   */
  anyInvalid(first: number, last: number): boolean {
    while ((this.invalid[0] ?? Number.POSITIVE_INFINITY) < first) this.invalid.shift();
    return (this.invalid[0] ?? Number.POSITIVE_INFINITY) <= last;
  }

  private check(piece: Buffer, endsLine: boolean) {
    if (!this.lineValid) return;
    const bytes = this.carried.length > 0 ? Buffer.concat([this.carried, piece]) : piece;
    const whole = endsLine ? bytes.length : wholeCharactersLength(bytes);
    if (!isUtf8(bytes.subarray(0, whole))) this.lineValid = false;
    this.carried = whole === bytes.length ? EMPTY : Buffer.from(bytes.subarray(whole));
  }

  private endLine() {
    if (!this.lineValid) this.invalid.push(this.line);
    this.line++;
    this.lineValid = true;
    this.carried = EMPTY;
  }
}

/** The length of `bytes` without a UTF-8 character cut off at its end. */
function wholeCharactersLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
