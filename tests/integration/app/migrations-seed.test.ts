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

describe.each(testDatabases())("migrations and seed on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  it("applies every migration, and applying them again changes nothing", async () => {
    await handle.migrate();
    const tables = await executeRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = tables.map((t) => t.table_name);
    expect(names).toEqual(
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
  });

  it("enforces the template key format in the database itself", async () => {
    await expect(
      handle.db.insert(smsTemplates).values({ key: "Bad Key", name: "x", category: "account" }),
    ).rejects.toThrow();
  });

  it("seeds templates and one admin, idempotently", async () => {
    const options = { adminEmail: "root@example.test", adminPassword: "correct horse battery", credentialsFile: "/dev/null" };
    await seed(handle.db, fakeAuth, logger, options);
    await seed(handle.db, fakeAuth, logger, options);
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
    for (const v of versions) expect(v.body).toMatch(/BuildOS/);
    const welcome = DEFAULT_TEMPLATES.find((t) => t.key === "welcome_sms")!;
    expect(welcome.body).toMatch(/HELP/);
    expect(welcome.body).toMatch(/STOP/);
    expect(welcome.body).toMatch(/Msg & data rates may apply/);
  });
});
