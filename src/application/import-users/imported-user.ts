import { err, ok, type Result } from "neverthrow";
import {
  idProblem,
  PROFILE_FIELDS,
  textProblem,
  type UserId,
  type UserProfile,
} from "../../domain/index.js";

/** One user of an export file: its id and its profile as the CMS holds it. */
export type ImportedUser = UserProfile & { userId: UserId };

/** The fields a line of an export may have, in the order of the CSV header of docs/contract.md. */
export const IMPORT_FIELDS = ["userId", ...PROFILE_FIELDS] as const;

/** As the user events' profile fields (docs/contract.md). */
export const MAX_FIELD_LENGTH = 1000;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(IMPORT_FIELDS);

/**
 * Checks one line's user as parsed from NDJSON or CSV, or given by a library caller: an object
 * with a `userId` in the range of user ids and profile fields that are strings of at most 1000
 * characters that every store can hold, and nothing else. Answers the user with only those
 * fields, or why not, in one sentence that names every field at fault.
 */
export function checkImportedUser(value: unknown): Result<ImportedUser, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err("must be a JSON object with a userId");
  }
  const fields = value as Record<string, unknown>;
  const problems: string[] = [];
  const unknown = Object.keys(fields).filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) problems.push(unknownFieldsProblem(unknown));
  const userIdProblem =
    fields.userId === undefined ? "is required" : idProblem("user", fields.userId);
  if (userIdProblem !== null) problems.push(`userId ${userIdProblem}`);
  const user = { userId: fields.userId } as ImportedUser;
  for (const field of PROFILE_FIELDS) {
    const text = fields[field];
    if (text === undefined) continue;
    const problem = profileFieldProblem(text);
    if (problem === null) user[field] = text as string;
    else problems.push(`${field} ${problem}`);
  }
  return problems.length > 0 ? err(`${problems.join("; ")}.`) : ok(user);
}

function profileFieldProblem(value: unknown): string | null {
  if (typeof value !== "string") return "must be a string";
  if (value.length > MAX_FIELD_LENGTH) return `must be at most ${MAX_FIELD_LENGTH} characters`;
  return textProblem(value);
}

const SHOWN_UNKNOWN_FIELDS = 3;

/** Names a few of the unknown fields, each shortened: they may be anything a client sent. */
function unknownFieldsProblem(unknown: readonly string[]): string {
  const shown = unknown
    .slice(0, SHOWN_UNKNOWN_FIELDS)
    .map((field) => JSON.stringify(field.length > 50 ? `${field.slice(0, 50)}…` : field));
  const more = unknown.length - shown.length;
  const names = more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
  const known = `known fields are ${IMPORT_FIELDS.join(", ")}`;
  return unknown.length === 1
    ? `${names} is not a known field (${known})`
    : `${names} are not known fields (${known})`;
}
