/**
 * Drupal 7 users table: user_schema() in modules/user/user.install of drupal/drupal, branch 7.x
 * (the 7.x schema including user_update_7018's picture index, unchanged up to the last 7.x
 * release). Columns are rendered as Drupal 7's drivers render Schema API fields:
 * includes/database/mysql/schema.inc (DatabaseSchema_mysql) and
 * includes/database/pgsql/schema.inc (DatabaseSchema_pgsql, where 'unsigned' becomes a wider
 * type plus CHECK (x >= 0), 'tiny' int becomes smallint and blob becomes bytea; unique keys are
 * constraints {table}_{key}_key and indexes "{table}_{key}_idx").
 *
 * The MySQL table is utf8mb4 (Drupal 7.50+ with utf8mb4 enabled); the collation is spelled out so
 * MariaDB and MySQL 8 agree.
 */
import { FIXTURE_TIME, insert, type SqlStatement } from "./sql.js";

const TABLE_OPTIONS = "ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci";

export function mysqlTables(prefix: string): string[] {
  return [
    `CREATE TABLE ${prefix}users (
  uid INT unsigned NOT NULL DEFAULT 0,
  name VARCHAR(60) NOT NULL DEFAULT '',
  pass VARCHAR(128) NOT NULL DEFAULT '',
  mail VARCHAR(254) NULL DEFAULT '',
  theme VARCHAR(255) NOT NULL DEFAULT '',
  signature VARCHAR(255) NOT NULL DEFAULT '',
  signature_format VARCHAR(255) NULL DEFAULT NULL,
  created INT NOT NULL DEFAULT 0,
  access INT NOT NULL DEFAULT 0,
  login INT NOT NULL DEFAULT 0,
  status TINYINT NOT NULL DEFAULT 0,
  timezone VARCHAR(32) NULL DEFAULT NULL,
  language VARCHAR(12) NOT NULL DEFAULT '',
  picture INT NOT NULL DEFAULT 0,
  init VARCHAR(254) NULL DEFAULT '',
  data LONGBLOB NULL DEFAULT NULL,
  PRIMARY KEY (uid),
  UNIQUE KEY name (name),
  INDEX access (access),
  INDEX created (created),
  INDEX mail (mail),
  INDEX picture (picture)
) ${TABLE_OPTIONS}`,
  ];
}

export function postgresTables(prefix: string): string[] {
  const table = `${prefix}users`;
  const index = (key: string) => `CREATE INDEX "${table}_${key}_idx" ON ${table} ("${key}")`;
  return [
    `CREATE TABLE ${table} (
  uid bigint CHECK (uid >= 0) NOT NULL default 0,
  name varchar(60) NOT NULL default '',
  pass varchar(128) NOT NULL default '',
  mail varchar(254) NULL default '',
  theme varchar(255) NOT NULL default '',
  signature varchar(255) NOT NULL default '',
  signature_format varchar(255) NULL,
  created int NOT NULL default 0,
  access int NOT NULL default 0,
  login int NOT NULL default 0,
  status smallint NOT NULL default 0,
  timezone varchar(32) NULL,
  language varchar(12) NOT NULL default '',
  picture int NOT NULL default 0,
  init varchar(254) NULL default '',
  data bytea NULL,
  PRIMARY KEY (uid),
  CONSTRAINT ${table}_name_key UNIQUE (name)
)`,
    index("access"),
    index("created"),
    index("mail"),
    index("picture"),
  ];
}

export type Drupal7User = {
  uid: number;
  name: string;
  mail: string | null;
  status: 0 | 1;
  created?: number;
  access?: number;
  login?: number;
  timezone?: string | null;
  language?: string;
  /** Defaults to mail, as user_save() sets it on account creation. */
  init?: string | null;
};

export function drupal7User(prefix: string, user: Drupal7User): SqlStatement[] {
  return [
    insert(`${prefix}users`, {
      uid: user.uid,
      name: user.name,
      pass: "$S$fixture",
      mail: user.mail,
      created: user.created ?? FIXTURE_TIME,
      access: user.access,
      login: user.login,
      status: user.status,
      timezone: user.timezone,
      language: user.language,
      init: user.init === undefined ? user.mail : user.init,
    }),
  ];
}

/** The uid 0 row user_install() writes: name and mail empty, everything else defaulted. */
export function drupal7AnonymousUser(prefix: string): SqlStatement[] {
  return [insert(`${prefix}users`, { uid: 0, name: "", mail: "" })];
}
