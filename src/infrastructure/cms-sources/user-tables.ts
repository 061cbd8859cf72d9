import type { SourceCms } from "../../application/index.js";

/** Which database systems a CMS runs on (and so which URLs it may be read from). */
export type SourceDialect = "mysql" | "postgres";

/**
 * Where a CMS keeps its users and what each column means to civilink. Every statement is
 * built from these names, so the table below is the one place where CMSes differ.
 */
export interface UserTable {
  /** How the CMS is named in messages. */
  label: string;
  dialects: readonly SourceDialect[];
  defaultPrefix: string;
  /** The table holding one row per user (for Drupal 8+, per user and language). */
  table: string;
  id: string;
  email: string;
  username: string;
  /** The CMS's single name field (Joomla), read as the profile's `name`. */
  name?: string;
  /** Rows that are not users of the site: Drupal's anonymous uid 0, translations. */
  notUsers?: { column: string; value: number; keep: boolean }[];
  /** The column and value that mark a blocked user. */
  blocked?: { column: string; value: number };
  /** Other tables that must exist for this CMS. */
  alsoNeeds?: string[];
  /** WordPress: first and last names are metadata rows in this table. */
  meta?: string;
}

/** Drupal 7's users table, which Backdrop kept: one row per user, uid 0 the anonymous one. */
const DRUPAL7_USERS = {
  dialects: ["mysql", "postgres"],
  defaultPrefix: "",
  table: "users",
  id: "uid",
  email: "mail",
  username: "name",
  notUsers: [{ column: "uid", value: 0, keep: false }],
  blocked: { column: "status", value: 0 },
} as const satisfies Omit<UserTable, "label">;

export const USER_TABLES: Record<SourceCms, UserTable> = {
  // wp-admin/includes/schema.php: {prefix}users, {prefix}usermeta
  wordpress: {
    label: "WordPress",
    dialects: ["mysql"],
    defaultPrefix: "wp_",
    table: "users",
    id: "ID",
    email: "user_email",
    username: "user_login",
    meta: "usermeta",
    alsoNeeds: ["usermeta"],
  },
  // modules/user/user.install (user_schema): {prefix}users; uid 0 is the anonymous user
  drupal7: { label: "Drupal 7", ...DRUPAL7_USERS },
  // The User entity's data table: one row per language, the default one flagged
  drupal: {
    label: "Drupal",
    dialects: ["mysql", "postgres"],
    defaultPrefix: "",
    table: "users_field_data",
    id: "uid",
    email: "mail",
    username: "name",
    notUsers: [
      { column: "uid", value: 0, keep: false },
      { column: "default_langcode", value: 1, keep: true },
    ],
    blocked: { column: "status", value: 0 },
  },
  // core/modules/user/user.install: Drupal 7's users table, as Backdrop keeps it
  backdrop: { label: "Backdrop", ...DRUPAL7_USERS },
  // installation/sql/mysql/base.sql: #__users; `name` is Joomla's one name field
  joomla: {
    label: "Joomla",
    dialects: ["mysql", "postgres"],
    defaultPrefix: "",
    table: "users",
    id: "id",
    email: "email",
    username: "username",
    name: "name",
    blocked: { column: "block", value: 1 },
  },
};
