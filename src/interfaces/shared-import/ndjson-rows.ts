import { checkImportedUser, type ImportRow } from "../../application/index.js";
import { type ByteSource, lines } from "./lines.js";

/**
 * Reads a user export in NDJSON, one `{"userId", ...UserProfile}` a line, as it arrives.
 * Blank lines are skipped; a line that is not JSON, or not a valid user, becomes a rejected
 * row with the reason. Line numbers count every line, blank ones too, from 1.
 */
export async function* ndjsonRows(input: ByteSource): AsyncGenerator<ImportRow> {
  for await (const line of lines(input)) {
    if ("error" in line) {
      yield line;
      continue;
    }
    if (line.text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (cause) {
      yield { line: line.line, error: `not valid JSON: ${(cause as Error).message}` };
      continue;
    }
    const user = checkImportedUser(value);
    yield user.isOk()
      ? { line: line.line, user: user.value }
      : { line: line.line, error: user.error };
  }
}
