import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import {
  type CmsSourceSpec,
  CmsSourceUnavailableError,
  type CmsUserSource,
  type CmsUserSources,
  type SourceError,
  type SourceRow,
  type UserProfile,
} from "../../src/index.js";

/** Rows handed out at a time, fewer than the import's batch so that pages and batches differ. */
const PAGE = 700;

export interface StaticSourceOptions {
  /** What opening answers instead of a source. */
  openError?: SourceError;
  /** The read stops with the database gone after this many rows. */
  goneAfter?: number;
}

/**
 * CMS user sources that hand out fixed rows: the use cases' view of a CMS database, without
 * one. Records the specs it was opened with and whether each source was closed.
 */
export class StaticCmsUserSources implements CmsUserSources {
  readonly opened: CmsSourceSpec[] = [];
  closed = 0;

  constructor(
    private readonly rows: readonly SourceRow[],
    private readonly options: StaticSourceOptions = {},
  ) {}

  open(spec: CmsSourceSpec): ResultAsync<CmsUserSource, SourceError> {
    this.opened.push(spec);
    if (this.options.openError) return errAsync(this.options.openError);
    const { rows, options } = this;
    const onClose = () => {
      this.closed++;
    };
    return okAsync({
      description: `${spec.cms} users in a test source`,
      count: async () => rows.length,
      async *pages() {
        for (let start = 0; start < rows.length; start += PAGE) {
          if (options.goneAfter !== undefined && start + PAGE > options.goneAfter) {
            yield rows.slice(start, options.goneAfter);
            throw new CmsSourceUnavailableError("the test source went away part-way");
          }
          yield rows.slice(start, start + PAGE);
        }
      },
      close: async () => onClose(),
    });
  }
}

/** Valid rows numbered from 1, one per user id. */
export const sourceUsers = (users: readonly (readonly [number, UserProfile])[]): SourceRow[] =>
  users.map(([userId, profile], index) => ({
    line: index + 1,
    userId,
    user: { userId, ...profile },
  }));
