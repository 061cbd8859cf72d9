/**
 * Joomla 4.2+/5.x `#__users`, as installation/sql/mysql/base.sql of joomla/joomla-cms creates it
 * (commit 8a2925240790c2273d325342dc502157fde31540, the 5.x form: integer types without display
 * width, authProvider, otep "Backup Codes"), with `#__` replaced by the prefix.
 *
 * base.sql's IF NOT EXISTS is left out, so a clash with an existing table fails rather than
 * leaving the old table in place. Only the MySQL/MariaDB form is given; Joomla's PostgreSQL
 * schema lives in installation/sql/postgresql/base.sql.
 */
import { insert, type SqlStatement } from "./sql.js";

export function mysqlTables(prefix: string): string[] {
  return [
    `CREATE TABLE ${prefix}users (
  id int NOT NULL AUTO_INCREMENT,
  name varchar(400) NOT NULL DEFAULT '',
  username varchar(150) NOT NULL DEFAULT '',
  email varchar(100) NOT NULL DEFAULT '',
  password varchar(100) NOT NULL DEFAULT '',
  block tinyint NOT NULL DEFAULT 0,
  sendEmail tinyint DEFAULT 0,
  registerDate datetime NOT NULL,
  lastvisitDate datetime,
  activation varchar(100) NOT NULL DEFAULT '',
  params text NOT NULL,
  lastResetTime datetime COMMENT 'Date of last password reset',
  resetCount int NOT NULL DEFAULT 0 COMMENT 'Count of password resets since lastResetTime',
  otpKey varchar(1000) NOT NULL DEFAULT '' COMMENT 'Two factor authentication encrypted keys',
  otep varchar(1000) NOT NULL DEFAULT '' COMMENT 'Backup Codes',
  requireReset tinyint NOT NULL DEFAULT 0 COMMENT 'Require user to reset password on next login',
  authProvider varchar(100) NOT NULL DEFAULT '' COMMENT 'Name of used authentication plugin',
  PRIMARY KEY (id),
  KEY idx_name (name(100)),
  KEY idx_block (block),
  UNIQUE KEY idx_username (username),
  KEY email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 DEFAULT COLLATE=utf8mb4_unicode_ci`,
  ];
}

export const postgresTables = undefined;

export type JoomlaUser = {
  id: number;
  name: string;
  username: string;
  email: string;
  block: 0 | 1;
  /** Non-empty while the account awaits activation. */
  activation?: string;
  registerDate?: string;
  lastvisitDate?: string | null;
  params?: string;
};

export function joomlaUser(prefix: string, user: JoomlaUser): SqlStatement[] {
  return [
    insert(`${prefix}users`, {
      id: user.id,
      name: user.name,
      username: user.username,
      email: user.email,
      password: "$2y$10$fixture",
      block: user.block,
      registerDate: user.registerDate ?? "2024-01-01 00:00:00",
      lastvisitDate: user.lastvisitDate,
      activation: user.activation,
      params: user.params ?? "{}",
    }),
  ];
}
