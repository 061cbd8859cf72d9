import type { ImportRow } from "../../application/index.js";
import { csvRows } from "./csv-rows.js";
import type { ByteSource } from "./lines.js";
import { ndjsonRows } from "./ndjson-rows.js";

/** The formats of a user export, for the HTTP route and `civilink import-users`. */
export const IMPORT_FORMATS = ["ndjson", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The media type of each format on the HTTP route. */
export const MEDIA_TYPE_OF_FORMAT: Record<ImportFormat, string> = {
  ndjson: "application/x-ndjson",
  csv: "text/csv",
};

/** The rows of an export in the given format, read as the input arrives. */
export function importRows(format: ImportFormat, input: ByteSource): AsyncGenerator<ImportRow> {
  return format === "csv" ? csvRows(input) : ndjsonRows(input);
}

/** The format a file name suggests (`.csv` or `.ndjson`/`.jsonl`), or null. */
export function formatOfFileName(fileName: string): ImportFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) return "ndjson";
  return null;
}
