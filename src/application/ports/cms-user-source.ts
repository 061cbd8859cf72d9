import type { ResultAsync } from "neverthrow";
import type { UserId } from "../../domain/index.js";
import type { ImportedUser } from "../import-users/imported-user.js";

/** The CMSes whose own user tables civilink can read (`drupal` is Drupal 8 and later). */
export const SOURCE_CMS_KINDS = ["wordpress", "drupal7", "drupal", "backdrop", "joomla"] as const;
export type SourceCms = (typeof SOURCE_CMS_KINDS)[number];

/** Which site's users to read, and where they are. */
export interface CmsSourceSpec {
  cms: SourceCms;
  /** `mysql://…` (MySQL, MariaDB) or `postgres://…` / `postgresql://…`. */
  url: string;
  /** The tables' prefix; absent: the CMS's usual one (`wp_` for WordPress, none for the others). */
  prefix?: string;
  /** WordPress multisite: only the users of this site. */
  site?: number;
  /** Leave out the users the CMS has blocked (by default they are read, as CiviCRM does). */
  skipBlocked?: boolean;
}

/**
 * One row of the CMS's user table as an import row (ImportRow): `line` numbers the rows in the
 * order read, from 1; the user it holds, or why it is not a valid user. `userId` is the row's
 * id when it is one at all (a positive integer in range), so that a user whose row is rejected
 * still counts as present in the CMS.
 */
export type SourceRow =
  | { line: number; userId: UserId; user: ImportedUser }
  | { line: number; userId: UserId | null; error: string };

/**
 * The users of one site, read from one consistent read-only snapshot of its database.
 * Reading takes bounded memory whatever the table's size.
 */
export interface CmsUserSource {
  /** What is read, for messages: the CMS, the database (never a password), the prefix. */
  readonly description: string;
  /** How many rows `rows()` gives, in the same snapshot. */
  count(): Promise<number>;
  /**
   * The rows in ascending id order, once, a page at a time. Rejects
   * (`CmsSourceUnavailableError`) when the database goes away part-way.
   */
  pages(): AsyncIterable<readonly SourceRow[]>;
  /** Ends the snapshot and the connection. */
  close(): Promise<void>;
}

/** The source's database cannot be reached, or went away: trying again later may work. */
export interface SourceUnavailable {
  kind: "SourceUnavailable";
  message: string;
}

/** The source is not what was asked for: a wrong URL, a missing table (a wrong prefix?). */
export interface SourceInvalid {
  kind: "SourceInvalid";
  message: string;
}

export type SourceError = SourceUnavailable | SourceInvalid;

/** What a source's `pages()` rejects with when its database goes away part-way. */
export class CmsSourceUnavailableError extends Error {
  override readonly name = "CmsSourceUnavailableError";
}

/** Opens CMS user sources; one adapter per CMS stands behind it. */
export interface CmsUserSources {
  open(spec: CmsSourceSpec): ResultAsync<CmsUserSource, SourceError>;
}
