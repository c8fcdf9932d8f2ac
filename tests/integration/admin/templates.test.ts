import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { adminAuditLog, smsTemplates, smsTemplateVersions } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { refreshDailyStats } from "@/server/dashboard/rollup";
import { createMessage, createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe.each(testDatabases())("admin templates on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let admin: SessionUser;
  const asAdmin = () => callerFor(handle.db, admin);

  beforeAll(async () => {
    handle = await database.open();
    const row = await createUser(handle.db, { name: "Root", role: "admin" });
    admin = { id: row.id, email: row.email, name: row.name, role: "admin" };
  });
  afterAll(() => handle?.drop());

  const versionsOf = (templateId: string) =>
    handle.db.select().from(smsTemplateVersions).where(eq(smsTemplateVersions.templateId, templateId));

  it("creates a template with version 1 saved by the admin, and records it", async () => {
    const created = await asAdmin().admin.templates.create({
      key: "standup_nudge",
      name: "Stand-up nudge",
      category: "task_reminders",
      body: "BuildOS: stand-up in {{minutes}} minutes.",
    });
    const detail = await asAdmin().admin.templates.get({ id: created.id });
    expect(detail.currentVersion).toBe(1);
    expect(detail.versions).toEqual([expect.objectContaining({ version: 1, createdBy: admin.email, variables: ["minutes"] })]);
    const audit = await handle.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, created.id));
    expect(audit).toEqual([expect.objectContaining({ action: "template.create", actorUserId: admin.id })]);
  });

  it("refuses a duplicate key, a bad key and a malformed body with field errors, changing nothing", async () => {
    const before = await handle.db.select().from(smsTemplates);
    expect(
      await errorOf(asAdmin().admin.templates.create({ key: "standup_nudge", name: "Again", category: "account", body: "Hi" })),
    ).toMatchObject({ code: "CONFLICT", message: expect.stringContaining('"standup_nudge" already exists') });
    expect(
      await errorOf(asAdmin().admin.templates.create({ key: "Bad Key", name: "x", category: "account", body: "Hi" })),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await errorOf(asAdmin().admin.templates.create({ key: "broken", name: "x", category: "account", body: "Hi {{Task Name}}" })),
    ).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Malformed placeholders") });
    expect(
      await errorOf(asAdmin().admin.templates.create({ key: "too_long", name: "x", category: "account", body: "a".repeat(1_601) })),
    ).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("refuses more than 1600") });
    expect(await handle.db.select().from(smsTemplates)).toEqual(before);
  });

  it("makes every body change a new immutable version; messages keep their version", async () => {
    const created = await asAdmin().admin.templates.create({
      key: "versioned",
      name: "Versioned",
      category: "daily_brief",
      body: "First body {{x}}",
    });
    const [v1] = await versionsOf(created.id);
    const message = await createMessage(handle.db, admin.id, { templateId: created.id, templateVersionId: v1!.id });

    const saved = await asAdmin().admin.templates.save({
      id: created.id,
      expectedVersion: 1,
      name: "Versioned",
      description: "",
      category: "daily_brief",
      body: "Second body {{x}} and {{y}}",
    });
    expect(saved.currentVersion).toBe(2);
    const versions = await versionsOf(created.id);
    expect(versions.map((v) => [v.version, v.body])).toEqual(
      expect.arrayContaining([
        [1, "First body {{x}}"],
        [2, "Second body {{x}} and {{y}}"],
      ]),
    );
    expect(versions.find((v) => v.version === 2)?.variables).toEqual(["x", "y"]);
    expect((await handle.db.query.smsMessages.findFirst({ where: (m, { eq: is }) => is(m.id, message.id) }))?.templateVersionId).toBe(
      v1!.id,
    );

    // A rename alone keeps the version; a save from a stale version is refused.
    const renamed = await asAdmin().admin.templates.save({
      id: created.id,
      expectedVersion: 2,
      name: "Renamed",
      description: "now described",
      category: "daily_brief",
      body: "Second body {{x}} and {{y}}",
    });
    expect(renamed).toMatchObject({ currentVersion: 2, name: "Renamed" });
    expect(
      await errorOf(
        asAdmin().admin.templates.save({
          id: created.id,
          expectedVersion: 1,
          name: "Stale",
          description: "",
          category: "daily_brief",
          body: "Stale body",
        }),
      ),
    ).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("version 2") });
    expect(await versionsOf(created.id)).toHaveLength(2);
  });

  it("activates and deactivates, with an audit entry each", async () => {
    const created = await asAdmin().admin.templates.create({ key: "toggle_me", name: "Toggle", category: "account", body: "Hi" });
    expect((await asAdmin().admin.templates.setActive({ id: created.id, active: false })).active).toBe(false);
    expect((await asAdmin().admin.templates.setActive({ id: created.id, active: true })).active).toBe(true);
    const actions = (await handle.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, created.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["template.create", "template.deactivate", "template.activate"]));
  });

  it("lists templates with texts sent and delivery rate over the last 30 days", async () => {
    const created = await asAdmin().admin.templates.create({ key: "stats_one", name: "Stats", category: "account", body: "Hi" });
    const sentAt = new Date();
    for (const status of ["delivered", "delivered", "undelivered"] as const) {
      await createMessage(handle.db, admin.id, { templateId: created.id, status, sentAt });
    }
    await createMessage(handle.db, admin.id, { templateId: created.id, status: "skipped" });
    await createMessage(handle.db, admin.id, {
      templateId: created.id,
      status: "delivered",
      sentAt,
      createdAt: new Date(Date.now() - 31 * 86_400_000),
    });
    // Ten days ago (a closed day, read from the stats rollup once the cron ran): 1 sent, undelivered.
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    await createMessage(handle.db, admin.id, { templateId: created.id, status: "undelivered", sentAt: tenDaysAgo, createdAt: tenDaysAgo });
    await refreshDailyStats(handle.db);
    const row = (await asAdmin().admin.templates.list()).find((t) => t.id === created.id);
    expect(row).toMatchObject({ sent: 4, delivered: 2, body: "Hi", currentVersion: 1 });
    expect(row?.deliveryRate).toBeCloseTo(2 / 4);
  });
});
