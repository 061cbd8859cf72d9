import { err, errAsync, ok, type Result, ResultAsync } from "neverthrow";
import {
  type DomainId,
  MAX_ID,
  type ValidationFailed,
  type ValidationIssue,
  validationFailed,
} from "../../domain/index.js";
import {
  type ImportResult,
  type ImportRow,
  ImportUsers,
  type ImportUsersError,
} from "../import-users/import-users.js";
import {
  type Clock,
  type CmsSourceSpec,
  CmsSourceUnavailableError,
  type CmsUserSource,
  type CmsUserSources,
  SOURCE_CMS_KINDS,
  type SourceError,
  type StoreError,
  type UnitOfWork,
} from "../ports/index.js";
import { checkIds, checkTexts } from "../shared/errors.js";
import { requireDomain } from "../shared/require-domain.js";
import { UnlinkUser } from "../unlink-user/unlink-user.js";

export interface ImportUsersFromCmsInput {
  domainId: DomainId;
  source: CmsSourceSpec;
  /** Handle every user of the directory that the CMS no longer has as a user deletion. */
  prune?: boolean;
  /** Called after every batch and at the end; an exception it throws is ignored. */
  onProgress?: (progress: { read: number; total: number }) => void;
}

export interface CmsImportResult extends ImportResult {
  /** What was read: the CMS, the database (no password), the prefix. */
  source: string;
  /** Rows read from the CMS. */
  read: number;
  /** Users of the directory that the CMS no longer has. */
  missing: number;
  /** Of those, how many were removed (with `prune`). */
  pruned: number;
  /** Of the removed ones, how many had a link, now gone (§8). */
  unlinked: number;
}

export type ImportUsersFromCmsError = ImportUsersError | SourceError;

/** Directory ids read at a time when comparing them with the CMS's. */
const WINDOW = 1000;

const PREFIX = /^[A-Za-z0-9_]{0,64}$/;

/**
 * "Synchronize Users to Contacts" starts from the CMS's own user table: every user of the
 * site is read from one read-only snapshot of its database, in id order, and loaded into the
 * domain's directory as a file import would (each user replaced whole, bad rows rejected and
 * reported, the others kept, bounded memory). The CMS being the full description of its users,
 * the directory's users that it no longer has are counted, and with `prune` handled as user
 * deletions (§8). They are found as the read goes, comparing each window of the CMS's
 * ascending ids with the directory's ids in the same range.
 */
export class ImportUsersFromCms {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly sources: CmsUserSources,
  ) {}

  execute(input: ImportUsersFromCmsInput): ResultAsync<CmsImportResult, ImportUsersFromCmsError> {
    const invalid =
      checkIds({ domainId: input.domainId }) ?? checkSpec(input.source) ?? checkTexts(input);
    if (invalid) return errAsync(invalid);
    return this.uow
      .read((stores) => requireDomain(stores, input.domainId))
      .andThen(() => this.sources.open(input.source))
      .andThen((source) =>
        ResultAsync.fromSafePromise(
          new CmsImport(this.uow, this.clock, input, source).run().finally(() => source.close()),
        ).andThen((result) => result),
      );
  }
}

function checkSpec(spec: CmsSourceSpec): ValidationFailed | null {
  const details: ValidationIssue[] = [];
  if (!(SOURCE_CMS_KINDS as readonly string[]).includes(spec.cms)) {
    details.push({ path: "source.cms", message: `must be one of ${SOURCE_CMS_KINDS.join(", ")}` });
  }
  if (typeof spec.url !== "string" || !/^(mysql|postgres|postgresql):\/\//.test(spec.url)) {
    details.push({ path: "source.url", message: "must be a mysql:// or postgres:// URL" });
  }
  if (spec.prefix !== undefined && (typeof spec.prefix !== "string" || !PREFIX.test(spec.prefix))) {
    details.push({
      path: "source.prefix",
      message: "must be letters, digits and underscores (at most 64)",
    });
  }
  if (spec.site !== undefined) {
    if (spec.cms !== "wordpress") {
      details.push({ path: "source.site", message: "is for WordPress multisite networks only" });
    } else if (!Number.isInteger(spec.site) || spec.site < 1 || spec.site > MAX_ID.domain) {
      details.push({ path: "source.site", message: "must be a positive integer" });
    }
  }
  return details.length > 0 ? validationFailed("Invalid source.", details) : null;
}

class CmsImport {
  private readonly found = { missing: 0, pruned: 0, unlinked: 0 };
  /** Why the rows stopped early, when they did. */
  private sourceFailure: CmsSourceUnavailableError | null = null;
  private storeFailure: StoreError | null = null;
  private read = 0;
  private total = 0;
  private comparing = true;
  private readonly unlink: UnlinkUser;

  constructor(
    private readonly uow: UnitOfWork,
    clock: Clock,
    private readonly input: ImportUsersFromCmsInput,
    private readonly source: CmsUserSource,
  ) {
    this.unlink = new UnlinkUser(uow, clock);
  }

  async run(): Promise<Result<CmsImportResult, ImportUsersFromCmsError>> {
    try {
      this.total = await this.source.count();
    } catch (cause) {
      return err(sourceErrorOf(cause));
    }
    const before = await this.uow.read(async (stores) =>
      ok(await stores.users.count(this.input.domainId)),
    );
    if (before.isErr()) return err(before.error);
    // An empty directory has no one for the CMS to be missing: nothing to compare.
    this.comparing = before.value > 0;
    const imported = await new ImportUsers(this.uow).execute({
      domainId: this.input.domainId,
      rows: this.rows(),
      onProgress: (linesRead) => {
        this.read = linesRead;
        this.reportProgress();
      },
    });
    if (this.sourceFailure) return err(sourceErrorOf(this.sourceFailure));
    if (imported.isErr()) return err(imported.error);
    if (this.storeFailure) return err(this.storeFailure);
    return ok({
      ...imported.value,
      source: this.source.description,
      read: this.read,
      ...this.found,
    });
  }

  /**
   * The source's pages as chunks of import rows. Each page's ids are compared with the
   * directory's ids in the same range (from the last page's end); when the source goes away,
   * the rows stop there and nothing more is compared (an incomplete read says nothing of who
   * is missing).
   */
  private async *rows(): AsyncGenerator<readonly ImportRow[]> {
    let after = 0;
    try {
      for await (const page of this.source.pages()) {
        const last = page.at(-1);
        if (last) this.read = last.line;
        yield page;
        if (!this.comparing) continue;
        const present = new Set<number>();
        let upTo = after;
        for (const row of page) {
          if (row.userId === null) continue;
          present.add(row.userId);
          upTo = Math.max(upTo, row.userId);
        }
        this.storeFailure = await this.compare(after, upTo, present);
        if (this.storeFailure) return;
        after = upTo;
      }
    } catch (cause) {
      if (!(cause instanceof CmsSourceUnavailableError)) throw cause;
      this.sourceFailure = cause;
      return;
    }
    if (this.comparing) this.storeFailure = await this.compare(after, null, new Set());
  }

  /**
   * Counts (and with `prune` removes) the directory's users above `after` and up to `upTo`
   * that the CMS does not have. Answers whether the store stopped it.
   */
  private async compare(
    after: number,
    upTo: number | null,
    present: ReadonlySet<number>,
  ): Promise<StoreError | null> {
    const { domainId } = this.input;
    for (let from = after; ; ) {
      const ids = await this.uow.read(async (stores) =>
        ok(await stores.users.userIdsBetween(domainId, from, upTo, WINDOW)),
      );
      if (ids.isErr()) return ids.error;
      for (const userId of ids.value) {
        if (present.has(userId)) continue;
        this.found.missing++;
        if (!this.input.prune) continue;
        const removed = await this.unlink.execute({ domainId, userId });
        if (removed.isErr()) {
          const { error } = removed;
          if (error.kind === "StoreUnavailable" || error.kind === "StoreFailed") return error;
          continue;
        }
        this.found.pruned++;
        if (removed.value.outcome === "unlinked") this.found.unlinked++;
      }
      const last = ids.value.at(-1);
      if (ids.value.length < WINDOW || last === undefined) return null;
      from = last;
    }
  }

  /** Progress is for display only: a callback that throws does not stop the import. */
  private reportProgress() {
    try {
      this.input.onProgress?.({ read: this.read, total: Math.max(this.total, this.read) });
    } catch {
      // ignored, as documented
    }
  }
}

function sourceErrorOf(cause: unknown): SourceError {
  return {
    kind: "SourceUnavailable",
    message:
      cause instanceof Error ? cause.message : "The CMS's database went away during the read.",
  };
}
