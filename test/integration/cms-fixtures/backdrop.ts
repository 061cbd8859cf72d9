/**
 * Backdrop CMS 1.x users table: user_schema() in core/modules/user/user.install of
 * backdrop/backdrop (1.x, commit 03bbcd8d4974ea3cda9316c8568af3e379a982a2; 'theme' dropped by
 * user_update_1002, 'changed' added by user_update_1025). Columns are rendered as
 * core/includes/database/mysql/schema.inc renders Schema API fields (the Drupal 7 driver).
 *
 * Backdrop removed its PostgreSQL driver in 2014 (backdrop/backdrop pull request 397, for
 * backdrop-issues 279) and runs on MySQL/MariaDB only, so there are no PostgreSQL tables.
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
  signature VARCHAR(255) NOT NULL DEFAULT '',
  signature_format VARCHAR(255) NULL DEFAULT NULL,
  created INT NOT NULL DEFAULT 0,
  changed INT NOT NULL DEFAULT 0,
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
  INDEX changed (changed),
  INDEX mail (mail),
  INDEX picture (picture)
) ${TABLE_OPTIONS}`,
  ];
}

export const postgresTables = undefined;

export type BackdropUser = {
  uid: number;
  name: string;
  mail: string | null;
  status: 0 | 1;
  created?: number;
  changed?: number;
  access?: number;
  login?: number;
  timezone?: string | null;
  language?: string;
  /** Defaults to mail, as user_save() sets it on account creation. */
  init?: string | null;
};

export function backdropUser(prefix: string, user: BackdropUser): SqlStatement[] {
  const created = user.created ?? FIXTURE_TIME;
  return [
    insert(`${prefix}users`, {
      uid: user.uid,
      name: user.name,
      pass: "$S$fixture",
      mail: user.mail,
      created,
      changed: user.changed ?? created,
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
export function backdropAnonymousUser(prefix: string): SqlStatement[] {
  return [insert(`${prefix}users`, { uid: 0, name: "", mail: "" })];
}
