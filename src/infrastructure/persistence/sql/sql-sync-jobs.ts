import type { Knex } from "knex";
import { err, ok, type Result, type ResultAsync } from "neverthrow";
import {
  type NewSyncJob,
  type StaleJobs,
  type StoreError,
  type SyncAlreadyRunning,
  type SyncJob,
  type SyncJobEnding,
  type SyncJobRepository,
  type SyncJobStatus,
  syncAlreadyRunning,
} from "../../../application/ports/index.js";
import { emptySyncReport, type SyncFailure, type SyncReport } from "../../../domain/index.js";
import { settle } from "../store-runtime.js";
import { num } from "./rows.js";

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
 * units of work. The database keeps one running job per domain across processes.
 */
export class SqlSyncJobs implements SyncJobRepository {
  constructor(
    private readonly db: Knex,
    private readonly translate: (cause: unknown) => unknown,
    /** Resolves once the schema is up to date; rejects while the store is unavailable. */
    private readonly ready: () => Promise<void>,
  ) {}

  create(job: NewSyncJob): ResultAsync<SyncJob, SyncAlreadyRunning | StoreError> {
    return this.call(async (): Promise<Result<SyncJob, SyncAlreadyRunning>> => {
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
        if (!isRunningJobConflict(cause)) throw cause;
        const running = (await this.db("sync_jobs")
          .where({ domain_id: job.domainId, status: "running" })
          .first("id")) as { id: string } | undefined;
        return err(syncAlreadyRunning(job.domainId, running?.id ?? null));
      }
    });
  }

  recordProgress(
    id: string,
    progress: { processed: number; total: number },
    at: Date,
  ): ResultAsync<void, StoreError> {
    return this.call(async () => {
      await this.db("sync_jobs")
        .where({ id, status: "running" })
        .update({ processed: progress.processed, total: progress.total, heartbeat_at: at });
      return ok(undefined);
    });
  }

  finish(id: string, ending: SyncJobEnding, at: Date): ResultAsync<void, StoreError> {
    return this.call(async () => {
      const ended = { status: ending.status, finished_at: at, heartbeat_at: at };
      const changes =
        ending.status === "succeeded"
          ? {
              ...ended,
              message: ending.message,
              report: JSON.stringify(ending.report),
              failures: JSON.stringify(ending.failures),
              processed: ending.report.checked,
              total: ending.report.checked,
            }
          : { ...ended, message: ending.message };
      await this.db("sync_jobs").where({ id, status: "running" }).update(changes);
      return ok(undefined);
    });
  }

  get(id: string): ResultAsync<SyncJob | null, StoreError> {
    return this.call(async () => {
      const row = (await this.db("sync_jobs").where({ id }).first()) as SyncJobRow | undefined;
      return ok(row ? syncJobOf(row) : null);
    });
  }

  failStale(stale: StaleJobs): ResultAsync<number, StoreError> {
    return this.call(async () => {
      const query = this.db("sync_jobs")
        .where({ status: "running" })
        .andWhere("heartbeat_at", "<", stale.heartbeatBefore);
      if (stale.exceptIds && stale.exceptIds.length > 0) {
        query.whereNotIn("id", [...stale.exceptIds]);
      }
      const failed = (await query
        .update({ status: "failed", finished_at: stale.at, message: stale.message })
        .returning("id")) as unknown[];
      return ok(failed.length);
    });
  }

  private call<T, E = never>(run: () => Promise<Result<T, E>>): ResultAsync<T, E | StoreError> {
    return settle(async () => {
      await this.ready();
      return run();
    }, this.translate);
  }
}
