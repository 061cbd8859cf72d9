import { resolve } from "node:path";
import knex, { type Knex } from "knex";
import { ok, type ResultAsync } from "neverthrow";
import { type StoreError, StoreUnavailableError } from "../../../application/ports/index.js";
import type { Domain } from "../../../domain/index.js";
import { type StoreRuntime, settle } from "../store-runtime.js";
import { lockId } from "./advisory-locks.js";
import { type StoreOwnership, takeOwnership } from "./embedded-store-owner.js";
import { migrationSource } from "./migrations/migration-source.js";
import { domainRowOf } from "./rows.js";
import { connect, describeConnection, type SqlConnection } from "./sql-connection.js";
import { sqlErrorTranslator } from "./sql-errors.js";
import { SqlSyncJobs } from "./sql-sync-jobs.js";
import { SqlUnitOfWork } from "./sql-unit-of-work.js";
import { SyncJobSessions } from "./sync-job-sessions.js";

export interface SqlStoreOptions {
  connection: SqlConnection;
  /** Domains created when missing (domain 1, §1); existing ones are left as they are. */
  domains?: Domain[];
}

/** How this process holds an embedded store kept in a directory, or why it cannot. */
interface StoreAccess {
  ownership?: StoreOwnership;
  refusal?: StoreUnavailableError;
}

const ENDED_WITH_ITS_PROCESS = "The sync stopped: the process running it ended before it finished.";

const MIGRATION_LOCK_RETRIES = 50;
const MIGRATION_LOCK_WAIT_MS = 200;

/**
 * PostgreSQL or embedded PGlite through the same knex adapters. The schema is brought up to
 * date, and the default domains created, before the first use; a store that was unreachable
 * then tries again at the next use.
 */
export class SqlStore extends SqlUnitOfWork implements StoreRuntime {
  private preparing: Promise<void> | null = null;
  private closed = false;
  readonly syncJobs: SqlSyncJobs;

  private constructor(
    private readonly knex: Knex,
    private readonly options: SqlStoreOptions,
    private readonly access: StoreAccess = {},
  ) {
    const translate = sqlErrorTranslator(describeConnection(options.connection));
    super(knex, translate, () => this.prepared());
    const { connection } = options;
    const sessions = connection.kind === "postgres" ? new SyncJobSessions(connection) : null;
    this.syncJobs = new SqlSyncJobs(knex, translate, () => this.prepared(), sessions);
  }

  /**
   * The store on its connection. An embedded store kept in a directory is this process's
   * alone until it closes: when another process (or another open store) owns the directory,
   * the store answers StoreUnavailable, saying which process owns it, and touches no file.
   */
  static open(options: SqlStoreOptions): SqlStore {
    const { connection } = options;
    if (connection.kind !== "pglite" || connection.pglite || connection.dataDir === undefined) {
      return new SqlStore(connect(connection), options);
    }
    const directory = resolve(connection.dataDir);
    let ownership: StoreOwnership;
    try {
      ownership = takeOwnership(directory);
    } catch (cause) {
      const refusal =
        cause instanceof StoreUnavailableError
          ? cause
          : new StoreUnavailableError(
              `cannot open the embedded store in ${directory}: ${(cause as Error).message}`,
            );
      // A query builder that never connects: every use answers the refusal first.
      return new SqlStore(knex({ client: "pg" }), options, { refusal });
    }
    const owned = { ...options, connection: { ...connection, dataDir: directory } };
    return new SqlStore(connect(owned.connection), owned, { ownership });
  }

  prepare(): ResultAsync<void, StoreError> {
    return settle(async () => ok(await this.prepared()), this.translate);
  }

  /** Brings the schema up to date now; rejects when it cannot. */
  async migrate(): Promise<void> {
    await this.prepared();
  }

  async ping(): Promise<boolean> {
    try {
      await this.prepared();
      await this.knex.raw("select 1");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.syncJobs.releaseAll();
      await this.statistics.settled();
      await this.knex.destroy();
    } finally {
      this.access.ownership?.release();
    }
  }

  /** Rolls every migration back (tests of the down migrations). */
  async rollbackAll(): Promise<void> {
    await this.knex.migrate.rollback(this.migrationConfig(), true);
    this.preparing = null;
  }

  private prepared(): Promise<void> {
    if (this.access.refusal) return Promise.reject(this.access.refusal);
    if (this.closed) return Promise.reject(new StoreUnavailableError("The store is closed."));
    this.preparing ??= this.migrateAndSeed().catch((cause: unknown) => {
      this.preparing = null;
      throw this.translate(cause);
    });
    return this.preparing;
  }

  /**
   * In one transaction under an advisory lock on the schema, so that processes starting at
   * the same moment prepare one after the other: knex creates its migration tables and the
   * row of its lock before it takes that lock, and two doing so at once fail ("relation
   * knex_migrations already exists") or leave two lock rows, which no migration can take.
   */
  private async migrateAndSeed(): Promise<void> {
    const { connection } = this.options;
    const schema = connection.kind === "postgres" ? connection.schema : undefined;
    // On PostgreSQL, a connection of its own without the statement timeouts of daily work:
    // a migration of a large table may take longer than any of them allows.
    const migrator =
      connection.kind === "postgres"
        ? connect({
            ...connection,
            poolSize: 1,
            timeouts: { ...connection.timeouts, statementMs: 0, queryMs: 0 },
          })
        : this.knex;
    try {
      await migrator.transaction(async (trx) => {
        await trx.raw("select pg_advisory_xact_lock(?::bigint)", [
          String(lockId(`migrations:${schema ?? ""}`)),
        ]);
        if (schema) await trx.raw("create schema if not exists ??", [schema]);
        await this.migrateWithRetries(trx);
        const domains = this.options.domains ?? [];
        if (domains.length > 0) {
          await trx("domains").insert(domains.map(domainRowOf)).onConflict("id").ignore();
        }
      });
    } finally {
      if (migrator !== this.knex) await migrator.destroy();
    }
    if (connection.kind === "pglite") {
      // One process owns the store and it just opened it: no job can be running now.
      await this.syncJobs.failAllRunning(new Date(), ENDED_WITH_ITS_PROCESS);
    }
    // The files PGlite created on its first start, before any were there to make private.
    this.access.ownership?.makeContentsPrivate();
  }

  /** Another process may be migrating the same database: wait for it rather than fail. */
  private async migrateWithRetries(trx: Knex.Transaction): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await trx.migrate.latest(this.migrationConfig());
        return;
      } catch (cause) {
        const locked = cause instanceof Error && cause.message.includes("already locked");
        if (!locked || attempt >= MIGRATION_LOCK_RETRIES) throw cause;
        await new Promise((resolve) => setTimeout(resolve, MIGRATION_LOCK_WAIT_MS));
      }
    }
  }

  private migrationConfig(): Knex.MigratorConfig {
    const { connection } = this.options;
    return {
      migrationSource,
      ...(connection.kind === "postgres" && connection.schema
        ? { schemaName: connection.schema }
        : {}),
    };
  }
}
