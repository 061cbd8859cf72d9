/**
 * Drupal 8 and later (checked against 10.x/11.x) user tables, `users` and `users_field_data`, as
 * core's SQL entity storage creates them for the User entity in drupal/drupal:
 * - fields: User::baseFieldDefinitions() in core/modules/user/src/Entity/User.php, with the
 *   uid/uuid/langcode/default_langcode base fields of ContentEntityBase;
 * - keys and nullability: core/lib/Drupal/Core/Entity/Sql/SqlContentEntityStorageSchema.php (only
 *   entity keys are NOT NULL; the id of the base table is serial, since Drupal 9.3, drupal.org
 *   node 838992) and core/modules/user/src/UserStorageSchema.php (name NOT NULL and 60 long,
 *   unique user__name, indexes on mail, and on created and access, which become NOT NULL);
 * - SQL: core/modules/mysql/src/Driver/Database/mysql/Schema.php (varchar_ascii is
 *   CHARACTER SET ascii COLLATE ascii_general_ci; utf8mb4 string indexes cut to 191) and
 *   core/modules/pgsql/src/Driver/Database/pgsql/Schema.php (unsigned int becomes bigint with
 *   CHECK (x >= 0); constraint and index names {table}__{name}__{tag}, hashed past 63 bytes).
 *
 * The MySQL collation is the one the installer writes to settings.php, utf8mb4_general_ci.
 */
import { createHash } from "node:crypto";
import { FIXTURE_TIME, insert, type SqlStatement } from "./sql.js";

const TABLE_OPTIONS = "ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci";
const ASCII = "CHARACTER SET ascii COLLATE ascii_general_ci";

export function mysqlTables(prefix: string): string[] {
  return [
    `CREATE TABLE ${prefix}users (
  uid INT unsigned NOT NULL auto_increment,
  uuid VARCHAR(128) ${ASCII} NOT NULL,
  langcode VARCHAR(12) ${ASCII} NOT NULL,
  PRIMARY KEY (uid),
  UNIQUE KEY user_field__uuid__value (uuid)
) ${TABLE_OPTIONS}`,
    `CREATE TABLE ${prefix}users_field_data (
  uid INT unsigned NOT NULL,
  langcode VARCHAR(12) ${ASCII} NOT NULL,
  preferred_langcode VARCHAR(12) ${ASCII} NULL DEFAULT NULL,
  preferred_admin_langcode VARCHAR(12) ${ASCII} NULL DEFAULT NULL,
  name VARCHAR(60) NOT NULL,
  pass VARCHAR(255) NULL DEFAULT NULL,
  mail VARCHAR(254) NULL DEFAULT NULL,
  timezone VARCHAR(32) NULL DEFAULT NULL,
  status TINYINT NULL DEFAULT NULL,
  created INT NOT NULL,
  changed INT NULL DEFAULT NULL,
  access INT NOT NULL,
  login INT NULL DEFAULT NULL,
  init VARCHAR(254) NULL DEFAULT NULL,
  default_langcode TINYINT NOT NULL,
  PRIMARY KEY (uid, langcode),
  UNIQUE KEY user__name (name, langcode),
  INDEX user__id__default_langcode__langcode (uid, default_langcode, langcode),
  INDEX user_field__mail (mail(191)),
  INDEX user_field__created (created),
  INDEX user_field__access (access)
) ${TABLE_OPTIONS}`,
  ];
}

export function postgresTables(prefix: string): string[] {
  const users = `${prefix}users`;
  const data = `${prefix}users_field_data`;
  const index = (name: string, columns: string) =>
    `CREATE INDEX ${identifier(data, name, "idx")} ON ${data} (${columns})`;
  return [
    `CREATE TABLE ${users} (
  "uid" serial CHECK (uid >= 0),
  "uuid" varchar(128) NOT NULL,
  "langcode" varchar(12) NOT NULL,
  CONSTRAINT ${identifier(users, "", "pkey")} PRIMARY KEY ("uid"),
  CONSTRAINT ${identifier(users, "user_field__uuid__value", "key")} UNIQUE ("uuid")
)`,
    `CREATE TABLE ${data} (
  "uid" bigint CHECK (uid >= 0) NOT NULL,
  "langcode" varchar(12) NOT NULL,
  "preferred_langcode" varchar(12) NULL,
  "preferred_admin_langcode" varchar(12) NULL,
  "name" varchar(60) NOT NULL,
  "pass" varchar(255) NULL,
  "mail" varchar(254) NULL,
  "timezone" varchar(32) NULL,
  "status" smallint NULL,
  "created" int NOT NULL,
  "changed" int NULL,
  "access" int NOT NULL,
  "login" int NULL,
  "init" varchar(254) NULL,
  "default_langcode" smallint NOT NULL,
  CONSTRAINT ${identifier(data, "", "pkey")} PRIMARY KEY ("uid", "langcode"),
  CONSTRAINT ${identifier(data, "user__name", "key")} UNIQUE ("name", "langcode")
)`,
    index("user__id__default_langcode__langcode", '"uid", "default_langcode", "langcode"'),
    index("user_field__mail", '"mail"'),
    index("user_field__created", '"created"'),
    index("user_field__access", '"access"'),
  ];
}

/** Schema::ensureIdentifiersLength() of the pgsql driver, for the default 63-byte limit. */
function identifier(table: string, name: string, tag: string): string {
  const full = [table, name, tag].join("__");
  if (Buffer.byteLength(full) <= 63) return full;
  const hash = createHash("sha256").update(full).digest("base64");
  return `"drupal_${hash.replace(/[+/]/g, "_").replace(/=/g, "")}_${tag}"`;
}

export type DrupalUser = {
  uid: number;
  name: string;
  mail: string | null;
  status: 0 | 1;
  /** Defaults to "en". */
  langcode?: string;
  /** Defaults to true. False gives a translation: a users_field_data row only, default_langcode 0. */
  defaultLangcode?: boolean;
  uuid?: string;
  created?: number;
  access?: number;
  login?: number;
};

export function drupalUser(prefix: string, user: DrupalUser): SqlStatement[] {
  const langcode = user.langcode ?? "en";
  const isDefault = user.defaultLangcode ?? true;
  const created = user.created ?? FIXTURE_TIME;
  const dataRow = insert(`${prefix}users_field_data`, {
    uid: user.uid,
    langcode,
    preferred_langcode: langcode,
    name: user.name,
    pass: user.uid === 0 ? null : "$2y$10$fixture",
    mail: user.mail,
    timezone: "UTC",
    status: user.status,
    created,
    changed: created,
    access: user.access ?? 0,
    login: user.login ?? 0,
    init: user.mail,
    default_langcode: isDefault ? 1 : 0,
  });
  if (!isDefault) return [dataRow];
  const uuid = user.uuid ?? `00000000-0000-4000-8000-${String(user.uid).padStart(12, "0")}`;
  const baseRows = [insert(`${prefix}users`, { uid: user.uid, uuid, langcode })];
  if (user.uid === 0) {
    // users.uid is auto_increment: without NO_AUTO_VALUE_ON_ZERO, MySQL stores the next id
    // instead of 0. Setting it afterwards gives the same row on every server.
    baseRows.push({ sql: `update ${prefix}users set uid = 0 where uuid = ?`, bindings: [uuid] });
  }
  return [...baseRows, dataRow];
}

/** The uid 0 account user_install() creates: empty name, no mail, blocked. */
export function drupalAnonymousUser(prefix: string): SqlStatement[] {
  return drupalUser(prefix, { uid: 0, name: "", mail: null, status: 0 });
}
