import type { Knex } from "knex";

/** Domains, contacts, links, the user directory, audit log, outbox and sync jobs. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("domains", (table) => {
    table.integer("id").primary();
    table.text("name").notNullable();
    table.text("cms").notNullable();
    table.boolean("sync_cms_email").notNullable();
    table.jsonb("dedupe_rule").notNullable();
  });

  await knex.schema.createTable("contacts", (table) => {
    table.bigIncrements("id").primary();
    table.text("contact_type").notNullable();
    table.text("first_name");
    table.text("last_name");
    table.text("display_name").notNullable();
    table.boolean("is_deleted").notNullable().defaultTo(false);
    table.timestamp("created_at", { useTz: true }).notNullable();
  });

  await knex.schema.createTable("contact_emails", (table) => {
    table
      .bigInteger("contact_id")
      .notNullable()
      .references("id")
      .inTable("contacts")
      .onDelete("CASCADE");
    /** The email key: trimmed and lower-cased (§2). */
    table.text("email").notNullable();
    table.boolean("is_primary").notNullable();
    table.text("location_type").notNullable();
    table.integer("position").notNullable();
    table.primary(["contact_id", "email"]);
    table.index(["email"], "contact_emails_by_email");
  });
  await knex.raw(
    "create unique index contact_emails_one_primary on contact_emails (contact_id) where is_primary",
  );

  await knex.schema.createTable("links", (table) => {
    table.integer("domain_id").notNullable().references("id").inTable("domains");
    table.bigInteger("user_id").notNullable();
    table.bigInteger("contact_id").notNullable().references("id").inTable("contacts");
    table.text("uf_name").notNullable();
    /** lower-cased ufName, computed where the email key is (ufName itself is not unique). */
    table.text("uf_name_key").notNullable();
    table.timestamp("created_at", { useTz: true }).notNullable();
    table.timestamp("updated_at", { useTz: true }).notNullable();
    table.primary(["domain_id", "user_id"]);
    table.unique(["domain_id", "contact_id"], { indexName: "links_one_per_contact" });
    table.index(["domain_id", "uf_name_key"], "links_by_uf_name_key");
    table.index(["contact_id"], "links_by_contact");
  });

  await knex.schema.createTable("users", (table) => {
    table.integer("domain_id").notNullable().references("id").inTable("domains");
    table.bigInteger("user_id").notNullable();
    table.text("email");
    table.text("username");
    table.text("first_name");
    table.text("last_name");
    table.text("name");
    table.primary(["domain_id", "user_id"]);
  });

  await knex.schema.createTable("audit_entries", (table) => {
    table.bigIncrements("seq").primary();
    table.timestamp("at", { useTz: true }).notNullable();
    table.integer("domain_id").notNullable();
    table.bigInteger("user_id");
    table.bigInteger("contact_id").notNullable();
    table.text("action").notNullable();
    table.text("trigger").notNullable();
    table.index(["domain_id", "seq"], "audit_by_domain");
  });

  await knex.schema.createTable("outbox_events", (table) => {
    table.bigIncrements("seq").primary();
    table.text("type").notNullable();
    table.integer("domain_id").notNullable();
    table.bigInteger("user_id").notNullable();
    table.text("email").notNullable();
    table.timestamp("at", { useTz: true }).notNullable();
    table.index(["domain_id", "seq"], "outbox_by_domain");
  });

  await knex.schema.createTable("sync_jobs", (table) => {
    table.text("id").primary();
    table.integer("domain_id").notNullable();
    table.text("status").notNullable();
    table.boolean("dry_run").notNullable();
    table.timestamp("started_at", { useTz: true }).notNullable();
    table.timestamp("finished_at", { useTz: true });
    table.bigInteger("processed").notNullable().defaultTo(0);
    table.bigInteger("total").notNullable().defaultTo(0);
    table.jsonb("report").notNullable();
    table.jsonb("failures").notNullable();
    table.text("message");
    table.index(["domain_id", "started_at"], "sync_jobs_by_domain");
  });
  await knex.raw(
    "create unique index sync_jobs_one_running_per_domain on sync_jobs (domain_id) where status = 'running'",
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    "sync_jobs",
    "outbox_events",
    "audit_entries",
    "users",
    "links",
    "contact_emails",
    "contacts",
    "domains",
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
