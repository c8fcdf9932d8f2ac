import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, type DbHandle } from "@/db/client";
import { accounts, smsTemplates, smsTemplateVersions, users } from "@/db/schema";
import type { Auth } from "@/server/auth/auth";
import { seed } from "@/server/bootstrap/seed";
import { logger } from "@/server/logger";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { testDatabases } from "../../helpers/test-db";

/** The one piece of better-auth the seed uses: its password hasher. */
const fakeAuth = {
  $context: Promise.resolve({ password: { hash: async (p: string) => `hashed:${p}` } }),
} as unknown as Auth;

const seedOptions = { adminEmail: "root@example.test", adminPassword: "correct horse battery", credentialsFile: "/dev/null" };

/**
 * Everything a migration or the seed could change, read from the catalogs: tables, columns (types,
 * defaults, nullability), constraints, indexes, enum labels, sequences, triggers, functions, the
 * migration journal, and every row of every table.
 */
async function databaseDump(db: DbHandle["db"]) {
  const rowsOf = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => executeRows<T>(db, query);
  const tables = (
    await rowsOf<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    )
  ).map((t) => t.table_name);
  const rows: Record<string, unknown[]> = {};
  for (const table of tables) {
    // Ordered by the text of the whole row, so the same rows always dump the same way.
    rows[table] = await rowsOf(sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t order by 1`);
  }
  return {
    tables,
    columns: await rowsOf<{ table_name: string; column_name: string }>(sql`
      select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
             character_maximum_length, numeric_precision, numeric_scale, is_identity, is_generated
      from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`),
    constraints: await rowsOf(sql`
      select conrelid::regclass::text as table_name, conname, contype, pg_get_constraintdef(oid) as definition
      from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`),
    indexes: await rowsOf<{ indexname: string }>(
      sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`,
    ),
    enums: await rowsOf<{ typname: string; labels: string[] }>(sql`
      select t.typname, array_agg(e.enumlabel order by e.enumsortorder) as labels
      from pg_type t join pg_enum e on e.enumtypid = t.oid
      where t.typnamespace = 'public'::regnamespace group by t.typname order by t.typname`),
    sequences: await rowsOf(sql`
      select sequence_name, data_type, start_value, increment from information_schema.sequences
      where sequence_schema = 'public' order by 1`),
    triggers: await rowsOf(sql`
      select tgrelid::regclass::text as table_name, tgname, pg_get_triggerdef(oid) as definition
      from pg_trigger where not tgisinternal order by 1, 2`),
    functions: await rowsOf(sql`
      select proname, pg_get_function_identity_arguments(oid) as args from pg_proc
      where pronamespace = 'public'::regnamespace order by 1, 2`),
    migrations: await rowsOf(sql`select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by id`),
    rows,
  };
}

describe.each(testDatabases())("migrations and seed on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  it("applies every migration, and applying them and the seed again changes neither the schema nor any row", async () => {
    await seed(handle.db, fakeAuth, logger, seedOptions);
    const before = await databaseDump(handle.db);
    expect(before.tables).toEqual(
      expect.arrayContaining([
        "users",
        "sessions",
        "accounts",
        "verifications",
        "sms_templates",
        "sms_template_versions",
        "sms_messages",
        "sms_message_events",
        "user_sms_preferences",
        "sms_daily_counters",
        "rate_limit_buckets",
        "sms_inbound_messages",
        "tasks",
      ]),
    );
    // The dump sees what a re-run could change: columns, constraints, indexes, enums, rows.
    expect(before.columns).toContainEqual(expect.objectContaining({ table_name: "sms_messages", column_name: "claim_token" }));
    expect(before.indexes.some((i) => i.indexname === "sms_messages_unknown_idx")).toBe(true);
    expect(before.enums).toContainEqual({ typname: "sms_status", labels: expect.arrayContaining(["unknown"]) });
    expect(before.rows.sms_templates).toHaveLength(DEFAULT_TEMPLATES.length);
    expect(before.rows.users).toHaveLength(1);
    expect(before.migrations.length).toBeGreaterThan(0);

    await handle.migrate();
    await seed(handle.db, fakeAuth, logger, seedOptions);
    expect(await databaseDump(handle.db)).toEqual(before);
  });

  it("enforces the template key format in the database itself", async () => {
    await expect(
      handle.db.insert(smsTemplates).values({ key: "Bad Key", name: "x", category: "account" }),
    ).rejects.toThrow();
  });

  it("seeds templates and one admin, idempotently", async () => {
    await seed(handle.db, fakeAuth, logger, seedOptions);
    await seed(handle.db, fakeAuth, logger, seedOptions);
    const templates = await handle.db.select().from(smsTemplates);
    expect(templates.map((t) => t.key).sort()).toEqual(DEFAULT_TEMPLATES.map((t) => t.key).sort());
    expect(await handle.db.select().from(smsTemplateVersions)).toHaveLength(DEFAULT_TEMPLATES.length);
    const admins = await handle.db.select().from(users);
    expect(admins).toHaveLength(1);
    expect(admins[0]?.role).toBe("admin");
    const [account] = await handle.db.select().from(accounts);
    expect(account?.providerId).toBe("credential");
    expect(account?.password).toBe("hashed:correct horse battery");
  });

  it("seeds template texts that name the program, and a welcome text with HELP, STOP and the rates notice", async () => {
    const versions = await handle.db.select().from(smsTemplateVersions);
    // The program's name is written in, or filled in from SMS_PROGRAM_NAME.
    for (const v of versions) expect(v.body).toMatch(/BuildOS|\{\{program_name\}\}/);
    const welcome = DEFAULT_TEMPLATES.find((t) => t.key === "welcome_sms")!;
    expect(welcome.body).toMatch(/HELP/);
    expect(welcome.body).toMatch(/STOP/);
    expect(welcome.body).toMatch(/Msg & data rates may apply/);
  });
});
