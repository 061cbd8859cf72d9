/**
 * WordPress 6.x user tables, as wp_get_db_schema() creates them in
 * src/wp-admin/includes/schema.php of WordPress/wordpress-develop (trunk, commit
 * 01501ab4787d053da5eb1425696ec3363d3adf4c): $users_single_table, $users_multi_table (adds spam
 * and deleted) and $usermeta_table, with $max_index_length = 191.
 *
 * The table options are what wpdb::get_charset_collate() yields on a utf8mb4 server. schema.php
 * names no engine; InnoDB, the server default, is written out. WordPress runs on MySQL/MariaDB
 * only, so there are no PostgreSQL tables.
 */
import { insert, type SqlStatement } from "./sql.js";

const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci";

export type WordpressTableOptions = { multisite?: boolean };

export function mysqlTables(prefix: string, options: WordpressTableOptions = {}): string[] {
  const multisiteColumns = options.multisite
    ? `
  spam tinyint(2) NOT NULL default '0',
  deleted tinyint(2) NOT NULL default '0',`
    : "";
  return [
    `CREATE TABLE ${prefix}users (
  ID bigint(20) unsigned NOT NULL auto_increment,
  user_login varchar(60) NOT NULL default '',
  user_pass varchar(255) NOT NULL default '',
  user_nicename varchar(50) NOT NULL default '',
  user_email varchar(100) NOT NULL default '',
  user_url varchar(100) NOT NULL default '',
  user_registered datetime NOT NULL default '0000-00-00 00:00:00',
  user_activation_key varchar(255) NOT NULL default '',
  user_status int(11) NOT NULL default '0',
  display_name varchar(250) NOT NULL default '',${multisiteColumns}
  PRIMARY KEY (ID),
  KEY user_login_key (user_login),
  KEY user_nicename (user_nicename),
  KEY user_email (user_email)
) ${TABLE_OPTIONS}`,
    `CREATE TABLE ${prefix}usermeta (
  umeta_id bigint(20) unsigned NOT NULL auto_increment,
  user_id bigint(20) unsigned NOT NULL default '0',
  meta_key varchar(255) default NULL,
  meta_value longtext,
  PRIMARY KEY (umeta_id),
  KEY user_id (user_id),
  KEY meta_key (meta_key(191))
) ${TABLE_OPTIONS}`,
  ];
}

export const postgresTables = undefined;

// wpdb::set_sql_mode() strips these from every session. MySQL 8's default mode includes
// NO_ZERO_DATE, which rejects the '0000-00-00 00:00:00' defaults above.
const INCOMPATIBLE_MODES = [
  "NO_ZERO_DATE",
  "ONLY_FULL_GROUP_BY",
  "STRICT_TRANS_TABLES",
  "STRICT_ALL_TABLES",
  "TRADITIONAL",
  "ANSI",
];

/** The session sql_mode WordPress would run with, given the server's `@@SESSION.sql_mode`. */
export function wordpressSqlMode(current: string): string {
  return current
    .split(",")
    .map((mode) => mode.trim())
    .filter((mode) => mode !== "" && !INCOMPATIBLE_MODES.includes(mode.toUpperCase()))
    .join(",");
}

export type WordpressUser = {
  id: number;
  login: string;
  email: string;
  firstName?: string;
  lastName?: string;
  /** Only for the multisite table: the spam and deleted columns exist there alone. */
  spam?: boolean;
  deleted?: boolean;
  /** Further usermeta by key, e.g. `{ wp_2_capabilities: 'a:1:{s:10:"subscriber";b:1;}' }`. */
  extraMeta?: Record<string, string>;
};

/** A users row and its usermeta rows: first_name, last_name and nickname, as wp_insert_user() writes them, then extraMeta. */
export function wordpressUser(prefix: string, user: WordpressUser): SqlStatement[] {
  const firstName = user.firstName ?? "";
  const lastName = user.lastName ?? "";
  const row = insert(`${prefix}users`, {
    ID: user.id,
    user_login: user.login,
    user_nicename: user.login.toLowerCase().slice(0, 50),
    user_email: user.email,
    user_registered: "2024-01-01 00:00:00",
    display_name: `${firstName} ${lastName}`.trim() || user.login,
    spam: flag(user.spam),
    deleted: flag(user.deleted),
  });
  const meta: Record<string, string> = {
    first_name: firstName,
    last_name: lastName,
    nickname: user.login,
    ...user.extraMeta,
  };
  const metaRows = Object.entries(meta).map(([key, value]) =>
    insert(`${prefix}usermeta`, { user_id: user.id, meta_key: key, meta_value: value }),
  );
  return [row, ...metaRows];
}

function flag(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
