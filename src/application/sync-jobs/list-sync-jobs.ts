import { errAsync, ok, type ResultAsync } from "neverthrow";
import { textProblem } from "../../domain/index.js";
import type { SyncJob, SyncJobKey, SyncJobRepository, UnitOfWork } from "../ports/index.js";
import {
  type DomainPageRequest,
  type DomainReadError,
  readInDomain,
} from "../queries/domain-scoped-read.js";
import {
  type CursorCodec,
  type CursorPage,
  cursorPageOf,
  type PageBounds,
  pageRequestOf,
} from "../shared/paging.js";
import { MAX_JOB_ID_LENGTH } from "./get-sync-job.js";

export const SYNC_JOB_PAGE_BOUNDS: PageBounds = { defaultLimit: 20, maxLimit: 100 };

/** The latest time a Date holds, in milliseconds since 1970. */
const MAX_TIME = 8.64e15;

/** The longest cursor a job gives: 16 digits, a dot and its id (4 bytes a character at most). */
export const MAX_SYNC_JOB_CURSOR_LENGTH = Math.ceil(((16 + 1 + MAX_JOB_ID_LENGTH * 4) * 4) / 3);

/** A job's key as an opaque cursor: its start time and id, base64url-encoded. */
export const SYNC_JOB_CURSOR: CursorCodec<SyncJobKey> = {
  write: (key) => {
    const bytes = new TextEncoder().encode(`${key.startedAt.getTime()}.${key.id}`);
    const base64 = btoa(String.fromCharCode(...bytes));
    return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  read: (cursor) => {
    if (cursor.length > MAX_SYNC_JOB_CURSOR_LENGTH || !/^[\w-]+$/.test(cursor)) return null;
    let text: string;
    try {
      const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
      const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
    const match = /^(0|[1-9]\d{0,15})\.(.+)$/s.exec(text);
    if (!match) return null;
    const time = Number(match[1]);
    const id = match[2] as string;
    if (time > MAX_TIME || id.length > MAX_JOB_ID_LENGTH || textProblem(id) !== null) return null;
    return { startedAt: new Date(time), id };
  },
};

export type ListSyncJobsInput = DomainPageRequest;

/** A domain's sync jobs, newest first, running ones with their progress so far. */
export class ListSyncJobs {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: SyncJobRepository,
  ) {}

  execute(input: ListSyncJobsInput): ResultAsync<CursorPage<SyncJob>, DomainReadError> {
    const page = pageRequestOf(input, SYNC_JOB_PAGE_BOUNDS, SYNC_JOB_CURSOR);
    if (page.isErr()) return errAsync(page.error);
    return readInDomain(this.uow, { domainId: input.domainId }, async () => ok(undefined))
      .andThen(() => this.jobs.list(input.domainId, page.value))
      .map((jobs) => cursorPageOf(jobs, undefined, SYNC_JOB_CURSOR));
  }
}
