import { err, errAsync, ok, type Result, ResultAsync } from "neverthrow";
import {
  type CmsUser,
  type DomainId,
  type DomainNotFound,
  type ValidationFailed,
  validationFailed,
} from "../../domain/index.js";
import type { StoreError, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import { checkImportedUser, type ImportedUser } from "./imported-user.js";

export { checkImportedUser, IMPORT_FIELDS, type ImportedUser } from "./imported-user.js";

/**
 * One line of an export, as a parser read it: the user it holds, or why it could not be read.
 * `line` is 1-based and counts every line of the input (for CSV: where the record starts).
 */
export type ImportRow = { line: number; user: ImportedUser } | { line: number; error: string };

export interface ImportUsersInput {
  domainId: DomainId;
  /**
   * Read once, row by row, or a chunk of rows at a time (a source that reads pages): the use
   * case never holds more than one batch and one chunk of them.
   */
  rows: AsyncIterable<ImportRow | readonly ImportRow[]>;
  /**
   * Called after every batch and at the end with the highest line number read so far; an
   * exception it throws is ignored.
   */
  onProgress?: (linesRead: number) => void;
}

export interface ImportRejection {
  line: number;
  error: string;
}

export interface ImportResult {
  /** Users that were not in the directory. */
  imported: number;
  /** Users that were, now replaced by the line's version. */
  updated: number;
  /** The first `MAX_REJECTIONS_LISTED` rejected lines, in line order. */
  rejected: ImportRejection[];
  /** Every rejected line, listed or not. */
  rejectedCount: number;
}

export type ImportUsersError = ValidationFailed | DomainNotFound | StoreError;

/**
 * What a parser throws when the input as a whole cannot be read (a CSV header that is not
 * the one of docs/contract.md): the import answers ValidationFailed with its message.
 */
export class ImportInputError extends Error {
  override readonly name = "ImportInputError";
}

/** Users written per transaction. */
export const IMPORT_BATCH_SIZE = 1000;
/** Rejected lines listed in the result; `rejectedCount` counts them all. */
export const MAX_REJECTIONS_LISTED = 1000;
const MAX_ERROR_LENGTH = 500;
const STORE_REFUSED = "the store refused to write this user.";

/**
 * Loads a CMS user export into the domain's directory (docs/contract.md "User directory"): every valid
 * line replaces its user whole, in batches of 1000 users a transaction; every invalid line is
 * rejected and reported, and the others are kept. Memory stays bounded whatever the input's
 * size: one batch and at most 1000 rejections are held at a time.
 *
 * The batches take no lock: the directory alone is written, and a CMS event of the same user
 * running at the same time is ordered before or after the batch's write (docs/decisions.md).
 * The batches written before the store went away or the input broke off stay written;
 * importing the same file again gives the same directory. A user the store refuses to write is
 * a rejected line, like a line that is not valid.
 */
export class ImportUsers {
  constructor(private readonly uow: UnitOfWork) {}

  execute(input: ImportUsersInput): ResultAsync<ImportResult, ImportUsersError> {
    const invalid = checkIds({ domainId: input.domainId });
    if (invalid) return errAsync(invalid);
    return this.uow
      .read((stores) => requireDomain(stores, input.domainId))
      .andThen(() =>
        ResultAsync.fromSafePromise(new ImportRun(this.uow, input).run()).andThen(
          (result) => result,
        ),
      );
  }
}

class ImportRun {
  private readonly result: ImportResult = {
    imported: 0,
    updated: 0,
    rejected: [],
    rejectedCount: 0,
  };
  /** The users read since the last write, each with its line. */
  private batch: { line: number; user: CmsUser }[] = [];
  private linesRead = 0;
  private rowsSinceProgress = 0;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly input: ImportUsersInput,
  ) {}

  async run(): Promise<Result<ImportResult, ImportUsersError>> {
    try {
      for await (const chunk of this.input.rows) {
        for (const row of Array.isArray(chunk) ? chunk : [chunk as ImportRow]) {
          this.read(row);
          if (this.batch.length >= IMPORT_BATCH_SIZE) {
            const written = await this.flush();
            if (written.isErr()) return err(written.error);
          }
          if (this.rowsSinceProgress >= IMPORT_BATCH_SIZE) this.reportProgress();
        }
      }
    } catch (cause) {
      return err(unreadableInput(cause));
    }
    const written = await this.flush();
    if (written.isErr()) return err(written.error);
    this.reportProgress();
    return ok(this.result);
  }

  private read(row: ImportRow) {
    this.linesRead = Math.max(this.linesRead, row.line);
    this.rowsSinceProgress++;
    if ("error" in row) return this.reject(row.line, row.error);
    const user = checkImportedUser(row.user);
    if (user.isErr()) return this.reject(row.line, user.error);
    this.batch.push({ line: row.line, user: { ...user.value, domainId: this.input.domainId } });
  }

  /**
   * Lists a rejection in line order: a user the store refused is rejected after the lines read
   * since, and only the first `MAX_REJECTIONS_LISTED` lines are kept.
   */
  private reject(line: number, error: string) {
    this.result.rejectedCount++;
    const { rejected } = this.result;
    let at = rejected.length;
    while (at > 0 && (rejected[at - 1] as ImportRejection).line > line) at--;
    if (at >= MAX_REJECTIONS_LISTED) return;
    const text = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error;
    rejected.splice(at, 0, { line, error: text });
    if (rejected.length > MAX_REJECTIONS_LISTED) rejected.pop();
  }

  /**
   * Writes the batch in one transaction. Should the store refuse it for any reason but being
   * unavailable, the batch is written again user by user, so that only the users the store
   * refuses are rejected (with their lines) and every other one is kept.
   */
  private async flush(): Promise<Result<void, StoreError>> {
    if (this.batch.length === 0) return ok(undefined);
    const entries = this.batch;
    this.batch = [];
    const written = await this.write(entries.map((entry) => entry.user));
    if (written.isOk() || written.error.kind === "StoreUnavailable") return written;
    for (const entry of entries) {
      const alone = await this.write([entry.user]);
      if (alone.isErr() && alone.error.kind === "StoreUnavailable") return alone;
      if (alone.isErr()) this.reject(entry.line, STORE_REFUSED);
    }
    return ok(undefined);
  }

  private async write(users: CmsUser[]): Promise<Result<void, StoreError>> {
    const counts = await this.uow.transaction({}, async (stores) =>
      ok(await stores.users.putMany(users)),
    );
    if (counts.isErr()) return err(counts.error);
    this.result.imported += counts.value.inserted;
    this.result.updated += counts.value.updated;
    return ok(undefined);
  }

  /** Progress is for display only: a callback that throws does not stop the import. */
  private reportProgress() {
    this.rowsSinceProgress = 0;
    try {
      this.input.onProgress?.(this.linesRead);
    } catch {
      // ignored, as documented
    }
  }
}

function unreadableInput(cause: unknown): ValidationFailed {
  const message =
    cause instanceof ImportInputError ? cause.message : "The import input could not be read.";
  return validationFailed(message, [{ path: "input", message }]);
}
