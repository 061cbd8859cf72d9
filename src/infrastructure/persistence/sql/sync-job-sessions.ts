import pg from "pg";
import { lockId } from "./advisory-locks.js";
import { type PostgresConnection, postgresClientConfig } from "./sql-connection.js";

/** A session that holds a running job's lock, and whether it still does. */
interface JobSession {
  client: pg.Client;
  ended: boolean;
}

/**
 * The PostgreSQL sessions that hold running sync jobs. Each running job of this process has a
 * connection of its own, outside the pool, holding the session-level advisory lock
 * `(space, domainId)` for the job's life: PostgreSQL releases it the moment the session ends,
 * whether the process exits, is killed or loses its connection. A running job whose domain's
 * lock no session holds has no owner any more.
 */
export class SyncJobSessions {
  private readonly sessions = new Map<string, JobSession>();

  constructor(private readonly connection: PostgresConnection) {}

  /**
   * Takes the domain's job lock, in `space`, in a new session for `jobId`; false (and no
   * session kept) when another session holds it: that job's process is alive.
   */
  async claim(jobId: string, domainId: number, space: number): Promise<boolean> {
    const client = new pg.Client(postgresClientConfig(this.connection));
    const session: JobSession = { client, ended: false };
    const end = () => {
      session.ended = true;
    };
    client.on("error", end);
    client.on("end", end);
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock($1, $2) as locked",
        [space, domainId],
      );
      if (rows[0]?.locked !== true) {
        await client.end();
        return false;
      }
    } catch (cause) {
      await client.end().catch(() => undefined);
      throw cause;
    }
    this.sessions.set(jobId, session);
    return true;
  }

  /** Whether this process still holds the job through its session. */
  holds(jobId: string): boolean {
    const session = this.sessions.get(jobId);
    return session !== undefined && !session.ended;
  }

  /** Ends the job's session, which releases its lock. */
  async release(jobId: string): Promise<void> {
    const session = this.sessions.get(jobId);
    if (!session) return;
    this.sessions.delete(jobId);
    await session.client.end().catch(() => undefined);
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((jobId) => this.release(jobId)));
  }
}

/**
 * The first key of the job locks of the tables in `schema`: one space per schema, so that
 * civilinks sharing a database in schemas of their own keep apart; non-negative, as
 * pg_locks shows it.
 */
export const jobLockSpaceOf = (schema: string): number =>
  Number(BigInt.asUintN(31, lockId(`sync-jobs:${schema}`)));
