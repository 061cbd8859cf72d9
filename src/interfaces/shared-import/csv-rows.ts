import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type CsvError, parse } from "csv-parse";
import {
  checkImportedUser,
  IMPORT_FIELDS,
  ImportInputError,
  type ImportRow,
} from "../../application/index.js";
import { DECIMAL_ID } from "../../domain/index.js";
import { InvalidUtf8Lines } from "./invalid-utf8-lines.js";
import { type ByteSource, bufferOf, MAX_LINE_BYTES, NOT_UTF8 } from "./lines.js";

/** What csv-parse gives for each record with the `raw` and `info` options. */
interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

const KNOWN_COLUMNS: ReadonlySet<string> = new Set(IMPORT_FIELDS);

/**
 * Reads a user export in CSV as it arrives. The first record is the header: it must name
 * known columns only (`userId,email,username,firstName,lastName,name`, in any order, userId
 * required), each once, else the whole input is refused (`ImportInputError`). Each record
 * after it is one user, an empty cell being an absent field; a record that is not valid CSV
 * or not a valid user becomes a rejected row, and so does a record with a line that is not
 * valid UTF-8 (csv-parse would decode it with replacement characters). Line numbers are those
 * where the record starts (the header is line 1); blank lines are skipped.
 */
export async function* csvRows(input: ByteSource): AsyncGenerator<ImportRow> {
  /** Records csv-parse skipped (bad quoting), in order; each is reported before the next good record. */
  const skipped: { line: number; error: string }[] = [];
  let oversized: string | null = null;
  const parser = parse({
    bom: true,
    // CRLF is made LF before parsing: csv-parse counts a CRLF in a quoted field as two lines.
    record_delimiter: ["\n"],
    raw: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_LINE_BYTES,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      if (!error) return;
      const lines = Number(error.lines);
      // csv-parse cannot resume after an oversized record: the input as a whole is refused.
      if (error.code === "CSV_MAX_RECORD_SIZE") oversized ??= `Line ${lines}: ${error.message}`;
      else
        skipped.push({
          line: startLine(lines, raw ?? ""),
          error: `not valid CSV: ${error.message}`,
        });
    },
  });
  const utf8 = new InvalidUtf8Lines();
  const feeding = pipeline(Readable.from(checkedUtf8(withLineFeeds(input), utf8)), parser);
  feeding.catch(() => undefined); // reported through the parser's iteration below
  let columns: string[] | null = null;
  try {
    for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
      if (oversized) throw new ImportInputError(oversized);
      const line = startLine(parsed.info.lines, parsed.raw);
      while (skipped.length > 0 && (skipped[0]?.line ?? 0) < line)
        yield skipped.shift() as ImportRow;
      const notUtf8 = utf8.anyInvalid(line, parsed.info.lines);
      if (columns === null) {
        if (notUtf8) throw new ImportInputError("The CSV header is not valid UTF-8.");
        columns = headerOf(parsed.record);
        continue;
      }
      yield notUtf8 ? { line, error: NOT_UTF8 } : rowOf(line, columns, parsed.record);
    }
    if (oversized) throw new ImportInputError(oversized);
    if (columns === null) throw new ImportInputError("The CSV input is empty: it needs a header.");
    yield* skipped.splice(0);
  } catch (cause) {
    if (cause instanceof ImportInputError) throw cause;
    const code = (cause as Partial<CsvError>).code;
    if (typeof code === "string" && code.startsWith("CSV_")) {
      throw new ImportInputError(`The CSV input could not be read: ${(cause as Error).message}`);
    }
    throw cause;
  } finally {
    parser.destroy();
  }
}

const CR = Buffer.from("\r");
const CRLF = Buffer.from("\r\n");

/** The input with every CRLF made LF (a CR alone is kept), as it arrives. */
async function* withLineFeeds(input: ByteSource): AsyncGenerator<Buffer> {
  let heldCr = false;
  for await (const chunk of input) {
    let bytes: Buffer = heldCr ? Buffer.concat([CR, bufferOf(chunk)]) : bufferOf(chunk);
    heldCr = bytes.length > 0 && bytes[bytes.length - 1] === CR[0];
    if (heldCr) bytes = bytes.subarray(0, -1);
    if (bytes.indexOf(CRLF) < 0) {
      if (bytes.length > 0) yield bytes;
      continue;
    }
    const parts: Buffer[] = [];
    let start = 0;
    for (let at = bytes.indexOf(CRLF); at >= 0; at = bytes.indexOf(CRLF, at + 2)) {
      parts.push(bytes.subarray(start, at));
      start = at + 1;
    }
    parts.push(bytes.subarray(start));
    yield Buffer.concat(parts);
  }
  if (heldCr) yield CR;
}

/** The chunks as they are, each noted by `utf8` before it passes on to the parser. */
async function* checkedUtf8(chunks: AsyncIterable<Buffer>, utf8: InvalidUtf8Lines) {
  for await (const chunk of chunks) {
    utf8.pass(chunk);
    yield chunk;
  }
  utf8.end();
}

/**
 * The line a record starts on: csv-parse counts the line where it ends, and its raw text
 * holds the record (with the blank lines before it and its line break after).
 */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^\n+/, "").replace(/\n$/, "");
  let breaks = 0;
  for (let at = body.indexOf("\n"); at >= 0; at = body.indexOf("\n", at + 1)) breaks++;
  return endLine - breaks;
}

function headerOf(cells: string[]): string[] {
  const names = cells.map((cell) => cell.trim());
  const problems: string[] = [];
  const unknown = names.filter((name) => !KNOWN_COLUMNS.has(name));
  if (unknown.length > 0) {
    problems.push(
      `unknown column ${unknown.map((name) => JSON.stringify(name.slice(0, 50))).join(", ")}`,
    );
  }
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) problems.push(`column ${[...new Set(repeated)].join(", ")} given twice`);
  if (!names.includes("userId")) problems.push("no userId column");
  if (problems.length > 0) {
    throw new ImportInputError(
      `The CSV header must name columns among ${IMPORT_FIELDS.join(",")} (userId required, any order): ${problems.join("; ")}.`,
    );
  }
  return names;
}

function rowOf(line: number, columns: string[], cells: string[]): ImportRow {
  if (cells.length !== columns.length) {
    return {
      line,
      error: `the record has ${fieldCount(cells.length)} but the header has ${fieldCount(columns.length)}.`,
    };
  }
  const fields: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    const cell = cells[index] ?? "";
    if (cell === "") return;
    fields[column] = column === "userId" && DECIMAL_ID.test(cell) ? Number(cell) : cell;
  });
  const user = checkImportedUser(fields);
  return user.isOk() ? { line, user: user.value } : { line, error: user.error };
}

const fieldCount = (count: number) => (count === 1 ? "1 field" : `${count} fields`);
