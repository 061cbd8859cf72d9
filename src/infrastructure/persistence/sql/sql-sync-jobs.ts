import type { Knex } from "knex";
import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type NewSyncJob,
  type OrphanedJobs,
  type Page,
  type PageRequest,
  type StoreError,
  type SyncAlreadyRunning,
  type SyncJob,
  type SyncJobEnding,
  type SyncJobHold,
  type SyncJobKey,
  type SyncJobProgress,
  type SyncJobRepository,
  type SyncJobStatus,
  syncAlreadyRunning,
  syncJobKeyOf,
} from "../../../application/ports/index.js";
import { emptySyncReport, type SyncFailure, type SyncReport } from "../../../domain/index.js";
import { settle } from "../store-runtime.js";
import { num } from "./rows.js";
import { jobLockSpaceOf, type SyncJobSessions } from "./sync-job-sessions.js";

/** The partial unique index of migration 001: one running job per domain. */
const ONE_RUNNING_PER_DOMAIN = "sync_jobs_one_running_per_domain";

interface SyncJobRow {
  id: string;
  domain_id: unknown;
  status: string;
  dry_run: boolean;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  processed: unknown;
  total: unknown;
  report: SyncReport | string;
  failures: SyncFailure[] | string;
  message: string | null;
}

const json = <T>(value: T | string): T =>
  typeof value === "string" ? (JSON.parse(value) as T) : value;

const syncJobOf = (row: SyncJobRow): SyncJob => ({
  id: row.id,
  domainId: num(row.domain_id),
  status: row.status as SyncJobStatus,
  dryRun: row.dry_run,
  startedAt: new Date(row.started_at),
  finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  heartbeatAt: new Date(row.heartbeat_at),
  progress: { processed: num(row.processed), total: num(row.total) },
  report: json(row.report),
  failures: json(row.failures),
  message: row.message,
});

/** Whether an insert lost to the domain's running job (a unique violation of that index). */
function isRunningJobConflict(cause: unknown): boolean {
  if (!(cause instanceof Error)) return false;
  const { code, constraint } = cause as { code?: unknown; constraint?: unknown };
  return (
    code === "23505" &&
    (constraint === ONE_RUNNING_PER_DOMAIN || cause.message.includes(ONE_RUNNING_PER_DOMAIN))
  );
}

/**
 * Sync jobs in the `sync_jobs` table, each statement on its own (autocommit), outside the
 * units of work. The database keeps one running job per domain across processes. On
 * PostgreSQL each running job of this process is held by a session of its own
 * (`SyncJobSessions`); on PGlite, which one process owns, jobs are held as long as the process
 * lives, and those found running when the store opens are ended then.
 */
export class SqlSyncJobs implements SyncJobRepository {
  private lockSpace: Promise<number> | null = null;

  constructor(
    private readonly db: Knex,
    private readonly translate: (cause: unknown) => unknown,
    /** Resolves once the schema is up to date; rejects while the store is unavailable. */
    private readonly ready: () => Promise<void>,
    /** PostgreSQL only. */
    private readonly sessions: SyncJobSessions | null = null,
  ) {}

  create(job: NewSyncJob): ResultAsync<SyncJob, SyncAlreadyRunning | StoreError> {
    return this.call(async (): Promise<Result<SyncJob, SyncAlreadyRunning>> => {
      const sessions = this.sessions;
      if (sessions && !(await sessions.claim(job.id, job.domainId, await this.jobLockSpace()))) {
        return err(syncAlreadyRunning(job.domainId, await this.runningJobOf(job.domainId)));
      }
      try {
        const [row] = (await this.db("sync_jobs")
          .insert({
            id: job.id,
            domain_id: job.domainId,
            status: "running",
            dry_run: job.dryRun,
            started_at: job.startedAt,
            heartbeat_at: job.startedAt,
            processed: 0,
            total: 0,
            report: JSON.stringify(emptySyncReport()),
            failures: JSON.stringify([]),
            message: null,
          })
          .returning("*")) as SyncJobRow[];
        if (!row) throw new Error("The insert of a sync job returned no row.");
        return ok(syncJobOf(row));
      } catch (cause) {
        await this.sessions?.release(job.id);
        if (!isRunningJobConflict(cause)) throw cause;
        return err(syncAlreadyRunning(job.domainId, await this.runningJobOf(job.domainId)));
      }
    });
  }

  recordProgress(
    id: string,
    progress: SyncJobProgress,
    at: Date,
  ): ResultAsync<SyncJobHold, StoreError> {
    return this.call(async () => {
      await this.db("sync_jobs")
        .where({ id, status: "running" })
        .update({
          processed: progress.processed,
          total: progress.total,
          heartbeat_at: at,
          ...(progress.report ? { report: JSON.stringify(progress.report) } : {}),
        });
      return ok(!this.sessions || this.sessions.holds(id) ? "held" : "lost");
    });
  }

  finish(id: string, ending: SyncJobEnding, at: Date): ResultAsync<void, StoreError> {
    return this.call(async () => {
      const changes = {
        status: ending.status,
        finished_at: at,
        heartbeat_at: at,
        message: ending.message,
        ...(ending.report
          ? { report: JSON.stringify(ending.report), processed: ending.report.checked }
          : {}),
        ...(ending.failures ? { failures: JSON.stringify(ending.failures) } : {}),
        ...(ending.status === "succeeded" ? { total: ending.report.checked } : {}),
      };
      await this.db("sync_jobs").where({ id, status: "running" }).update(changes);
      await this.sessions?.release(id);
      return ok(undefined);
    });
  }

  get(id: string): ResultAsync<SyncJob | null, StoreError> {
    return this.call(async () => {
      const row = (await this.db("sync_jobs").where({ id }).first()) as SyncJobRow | undefined;
      return ok(row ? syncJobOf(row) : null);
    });
  }

  /** Ids compare as `collate "C"` (code points), whatever the database's collation. */
  list(
    domainId: number,
    page: PageRequest<SyncJobKey>,
  ): ResultAsync<Page<SyncJob, SyncJobKey>, StoreError> {
    return this.call(async () => {
      const query = this.db("sync_jobs").where("domain_id", domainId);
      if (page.after !== undefined) {
        query.whereRaw('(started_at, id collate "C") < (?::timestamptz, ?::text collate "C")', [
          page.after.startedAt,
          page.after.id,
        ]);
      }
      const rows = (await query
        .orderByRaw('started_at desc, id collate "C" desc')
        .limit(page.limit + 1)) as SyncJobRow[];
      const items = rows.slice(0, page.limit).map(syncJobOf);
      const last = items.at(-1);
      return ok({ items, next: rows.length > page.limit && last ? syncJobKeyOf(last) : null });
    });
  }

  failOrphaned(orphans: OrphanedJobs): ResultAsync<number, StoreError> {
    return this.call(async () => {
      const sessions = this.sessions;
      const space = sessions ? await this.jobLockSpace() : null;
      const query = this.db("sync_jobs")
        .where({ status: "running" })
        .andWhere((orphaned) => {
          orphaned.where("heartbeat_at", "<", orphans.heartbeatBefore);
          if (space !== null) orphaned.orWhereNotExists(this.heldBySession(space));
        });
      if (orphans.exceptIds && orphans.exceptIds.length > 0) {
        query.whereNotIn("id", [...orphans.exceptIds]);
      }
      const failed = (await query
        .update({ status: "failed", finished_at: orphans.at, message: orphans.message })
        .returning("id")) as { id: string }[];
      // A job of this process failed for its heartbeat lets go of the domain too.
      await Promise.all(failed.map(({ id }) => sessions?.release(id)));
      return ok(failed.length);
    });
  }

  /**
   * Ends every running job: for a store that one process owns, when it opens, since no job
   * can be running then. Answers how many it ended.
   */
  async failAllRunning(at: Date, message: string): Promise<number> {
    const failed = (await this.db("sync_jobs")
      .where({ status: "running" })
      .update({ status: "failed", finished_at: at, message })
      .returning("id")) as unknown[];
    return failed.length;
  }

  /** Lets go of every job this process holds (the store closes). */
  async releaseAll(): Promise<void> {
    await this.sessions?.releaseAll();
  }

  /** The session-level lock of the row's domain, granted to some session of this database. */
  private heldBySession(space: number) {
    return this.db
      .select(this.db.raw("1"))
      .from("pg_catalog.pg_locks as l")
      .whereRaw(
        `l.locktype = 'advisory' and l.granted and l.objsubid = 2
         and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
         and l.classid = ?::bigint::oid and l.objid = sync_jobs.domain_id::bigint::oid`,
        [space],
      );
  }

  /** The lock space of the schema the tables are in, as the pool's connections see it. */
  private jobLockSpace(): Promise<number> {
    this.lockSpace ??= (async () => {
      const { rows } = (await this.db.raw("select current_schema() as schema")) as {
        rows: { schema: string }[];
      };
      return jobLockSpaceOf(rows[0]?.schema ?? "public");
    })().catch((cause: unknown) => {
      this.lockSpace = null;
      throw cause;
    });
    return this.lockSpace;
  }

  private async runningJobOf(domainId: number): Promise<string | null> {
    const running = (await this.db("sync_jobs")
      .where({ domain_id: domainId, status: "running" })
      .first("id")) as { id: string } | undefined;
    return running?.id ?? null;
  }

  private call<T, E = never>(run: () => Promise<Result<T, E>>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.ready();
      return run();
    }, this.translate);
  }
}
