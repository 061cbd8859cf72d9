import type { Knex } from "knex";
import {
  type CmsSourceSpec,
  CmsSourceUnavailableError,
  type CmsUserSource,
  checkImportedUser,
  type SourceRow,
} from "../../application/index.js";
import { idProblem, type UserProfile } from "../../domain/index.js";
import type { SourceDatabase } from "./source-database.js";
import type { UserTable } from "./user-tables.js";

/** Users read per statement: far more than a round trip costs, far less than memory holds. */
const PAGE_SIZE = 5_000;

const META_NAMES = { first_name: "firstName", last_name: "lastName" } as const;

/** The snapshot's connection and what the read needs to know of the source's tables. */
export interface OpenedSnapshot {
  db: Knex;
  connection: unknown;
  database: SourceDatabase;
  spec: CmsSourceSpec;
  definition: UserTable;
  prefix: string;
  /** WordPress multisite: the users table has `spam` and `deleted`. */
  hasSpamColumns: boolean;
  description: string;
  /** Ends the snapshot and lets the connection go. */
  end(): Promise<void>;
}

/** A user's columns as the driver gives them, in the order selected (no object per row). */
type UserRow = [id: unknown, email: unknown, username: unknown, name?: unknown];

const ID = 0;

/**
 * The users of one site read from one read-only snapshot of its database (REPEATABLE READ),
 * a keyset page of ids at a time, the next page asked for while the current one is handed out.
 */
export class SqlCmsUserSource implements CmsUserSource {
  readonly description: string;

  constructor(private readonly snapshot: OpenedSnapshot) {
    this.description = snapshot.description;
  }

  async count(): Promise<number> {
    const row = (await this.users().count({ count: "*" }).first()) as { count: unknown };
    return Number(row.count);
  }

  async *pages(): AsyncGenerator<SourceRow[]> {
    let page = this.sourcePage(null, 0);
    for (;;) {
      const { rows, last } = await this.lost(page);
      if (rows.length === 0) return;
      // The next page is read, and made into rows, while this one is imported.
      page =
        rows.length < PAGE_SIZE
          ? Promise.resolve({ rows: [], last })
          : this.sourcePage(last, (rows.at(-1) as SourceRow).line);
      page.catch(() => undefined);
      yield rows;
    }
  }

  /** The page of users after `after`, as source rows numbered from `before + 1`. */
  private async sourcePage(
    after: unknown,
    before: number,
  ): Promise<{ rows: SourceRow[]; last: unknown }> {
    const users = await this.page(after);
    if (users.length === 0) return { rows: [], last: after };
    const names = await this.namesOf(users);
    return {
      rows: users.map((user, index) => this.sourceRow(before + index + 1, user, names[index])),
      last: (users[users.length - 1] as UserRow)[ID],
    };
  }

  close(): Promise<void> {
    return this.snapshot.end();
  }

  private tableName(table: string): string {
    return `${this.snapshot.prefix}${table}`;
  }

  /** The site's users: not the rows that are no users, without the blocked ones if asked. */
  private users(): Knex.QueryBuilder {
    const { db, connection, definition, spec } = this.snapshot;
    const table = this.tableName(definition.table);
    const query = db(table).connection(connection);
    for (const rule of definition.notUsers ?? []) {
      if (rule.keep) query.where(rule.column, rule.value);
      else query.whereNot(rule.column, rule.value);
    }
    if (spec.skipBlocked) {
      if (definition.blocked) query.whereNot(definition.blocked.column, definition.blocked.value);
      if (this.snapshot.hasSpamColumns) query.where({ spam: 0, deleted: 0 });
    }
    if (spec.site !== undefined && definition.meta) {
      const meta = this.tableName(definition.meta);
      const key = this.tableName(spec.site === 1 ? "capabilities" : `${spec.site}_capabilities`);
      query.whereExists(
        db(meta)
          .select(db.raw("1"))
          .whereRaw("??.?? = ??.??", [meta, "user_id", table, definition.id])
          .andWhere("meta_key", key),
      );
    }
    return query;
  }

  private page(after: unknown): Promise<UserRow[]> {
    const { definition, database } = this.snapshot;
    const query = this.users()
      .select([
        definition.id,
        definition.email,
        definition.username,
        ...(definition.name ? [definition.name] : []),
      ])
      .orderBy(definition.id)
      .limit(PAGE_SIZE)
      .options(database.dialect === "mysql" ? { rowsAsArray: true } : { rowMode: "array" });
    if (after !== null) query.where(definition.id, ">", after as Knex.Value);
    return query as unknown as Promise<UserRow[]>;
  }

  /**
   * WordPress: each user's first first_name and last_name (get_user_meta's single value), in
   * the order of `rows`. The metadata comes in the users' id order, so each row's is found by
   * walking both lists once.
   */
  private async namesOf(rows: UserRow[]): Promise<(UserProfile | undefined)[]> {
    const names: (UserProfile | undefined)[] = new Array(rows.length);
    const { db, connection, definition } = this.snapshot;
    if (!definition.meta) return names;
    const meta = (await db(this.tableName(definition.meta))
      .connection(connection)
      .select("user_id", "meta_key", "meta_value")
      .whereBetween("user_id", [
        (rows[0] as UserRow)[ID] as Knex.Value,
        (rows[rows.length - 1] as UserRow)[ID] as Knex.Value,
      ])
      .whereIn("meta_key", Object.keys(META_NAMES))
      // The order of the user_id index (InnoDB keeps the primary key in it): no sort.
      .orderBy(["user_id", "umeta_id"])
      .options({ rowsAsArray: true })) as [unknown, string, unknown][];
    let index = 0;
    for (const [userId, key, value] of meta) {
      const id = Number(userId);
      while (index < rows.length && Number((rows[index] as UserRow)[ID]) < id) index++;
      if (index >= rows.length) break;
      if (Number((rows[index] as UserRow)[ID]) !== id) continue;
      const field = META_NAMES[key as keyof typeof META_NAMES];
      const profile = names[index] ?? {};
      names[index] = profile;
      // The first row counts, even empty (and so an absent field).
      profile[field] ??= typeof value === "string" ? value : "";
    }
    return names;
  }

  private sourceRow(number: number, row: UserRow, names: UserProfile | undefined): SourceRow {
    const [rawId, email, username, name] = row;
    const raw = String(rawId);
    const id = /^[1-9]\d*$/.test(raw) ? Number(raw) : Number.NaN;
    const problem = idProblem("user", id);
    if (problem !== null) {
      return { line: number, userId: null, error: `${this.rowName(raw)}: the id ${problem}.` };
    }
    const fields: Record<string, unknown> = { userId: id };
    setText(fields, "firstName", names?.firstName);
    setText(fields, "lastName", names?.lastName);
    setText(fields, "email", email);
    setText(fields, "username", username);
    setText(fields, "name", name);
    const user = checkImportedUser(fields);
    return user.isOk()
      ? { line: number, userId: id, user: user.value }
      : { line: number, userId: id, error: `${this.rowName(raw)}: ${user.error}` };
  }

  /** How a rejected row is named: its table, id column and id. */
  private rowName(id: string): string {
    const { definition } = this.snapshot;
    return `${this.tableName(definition.table)}.${definition.id} ${id}`;
  }

  /** A failure part-way is the source going away: the read cannot go on. */
  private async lost<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (cause) {
      throw new CmsSourceUnavailableError(
        `${this.description}: the read stopped part-way: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

/** A column's text as a profile field; NULL and the empty string are absent fields. */
function setText(fields: Record<string, unknown>, field: string, value: unknown) {
  const text = Buffer.isBuffer(value) ? value.toString("utf8") : value;
  if (typeof text === "string" && text !== "") fields[field] = text;
}
