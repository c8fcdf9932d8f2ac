import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages, smsOptChanges, userSmsPreferences } from "@/db/schema";
import { dashboardSummary } from "@/server/dashboard/admin-queries";
import { refreshDailyStats } from "@/server/dashboard/rollup";
import type { AdminActor, ServiceContext } from "@/server/service-context";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";

/**
 * A small data set whose every dashboard figure is worked out by hand below. "Now" is
 * 2026-03-10 12:00 UTC; days are UTC days of the request.
 */
const NOW = new Date("2026-03-10T12:00:00Z");
const at = (iso: string) => new Date(iso);
const plus = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

describe.each(testDatabases())("admin dashboard on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let ctx: ServiceContext<AdminActor>;
  let templateA: string;
  let templateB: string;
  let lateMessageId: string;

  beforeAll(async () => {
    handle = await database.open();
    const admin = await createUser(handle.db, { role: "admin" });
    const alice = await createUser(handle.db);
    const bob = await createUser(handle.db);
    const carol = await createUser(handle.db);
    ctx = { db: handle.db, actor: { type: "admin", userId: admin.id }, jobs: recordingJobs() };
    for (const seed of DEFAULT_TEMPLATES) await ensureTemplate(handle.db, seed);
    const templates = await handle.db.query.smsTemplates.findMany();
    templateA = templates.find((t) => t.key === "task_reminder")!.id;
    templateB = templates.find((t) => t.key === "daily_brief_ready")!.id;

    const delivered = (created: Date, latency: number, overrides: Partial<typeof smsMessages.$inferInsert> = {}) =>
      createMessage(handle.db, alice.id, {
        templateId: templateA,
        status: "delivered",
        createdAt: created,
        sentAt: plus(created, 1),
        deliveredAt: plus(created, latency),
        segments: 1,
        ...overrides,
      });
    // 2026-03-09 (yesterday): 4 delivered (priced), 1 undelivered (2 segments), 1 failed at the API, 2 skipped.
    const yesterday = at("2026-03-09T08:00:00Z");
    for (const latency of [5, 10, 20, 40]) await delivered(yesterday, latency, { price: "-0.00790", priceUnit: "USD" });
    lateMessageId = (
      await createMessage(handle.db, alice.id, {
        templateId: templateA,
        status: "undelivered",
        errorCode: 30003,
        createdAt: yesterday,
        sentAt: plus(yesterday, 1),
        segments: 2,
      })
    ).id;
    await createMessage(handle.db, bob.id, { templateId: templateB, category: "daily_brief", status: "failed", errorCode: 21211, createdAt: yesterday, segments: 1 });
    await createMessage(handle.db, bob.id, { templateId: templateB, category: "daily_brief", status: "skipped", skipReason: "opted_out", createdAt: yesterday });
    await createMessage(handle.db, bob.id, { templateId: templateB, category: "daily_brief", status: "skipped", skipReason: "daily_cap", createdAt: yesterday });
    // 2026-03-05: 2 delivered, not priced.
    for (const latency of [100, 3]) await delivered(at("2026-03-05T23:59:00Z"), latency);
    // 2026-02-28 (inside 30 days, outside 7): 1 delivered after 1,000 s.
    await delivered(at("2026-02-28T10:00:00Z"), 1_000, { templateId: templateB, category: "daily_brief" });
    // Today: 1 delivered (priced), 1 undelivered with yesterday's error code (live and rolled-up rows of
    // one code, and of one template, add up), 1 still queued.
    await delivered(at("2026-03-10T09:00:00Z"), 7, { price: "-0.00790", priceUnit: "USD" });
    const today = at("2026-03-10T10:00:00Z");
    await createMessage(handle.db, alice.id, { templateId: templateA, status: "undelivered", errorCode: 30003, createdAt: today, sentAt: plus(today, 1), segments: 1 });
    await createMessage(handle.db, alice.id, { templateId: templateA, status: "queued", createdAt: at("2026-03-10T11:00:00Z"), segments: 1 });

    await handle.db.insert(smsOptChanges).values([
      { userId: bob.id, kind: "opt_out", source: "keyword", createdAt: at("2026-03-09T10:00:00Z") },
      { userId: carol.id, kind: "opt_out", source: "settings", createdAt: at("2026-03-09T11:00:00Z") },
      { userId: carol.id, kind: "opt_in", source: "settings", createdAt: at("2026-03-10T10:00:00Z") },
    ]);
    const verifiedAt = at("2026-03-01T00:00:00Z");
    await handle.db.insert(userSmsPreferences).values([
      { userId: alice.id, phone: "+15555550101", phoneVerifiedAt: verifiedAt },
      { userId: bob.id, phone: "+15555550102", phoneVerifiedAt: verifiedAt, optedOutAt: at("2026-03-09T10:00:00Z"), optOutSource: "keyword" },
      { userId: carol.id, phone: "+15555550103", phoneVerifiedAt: verifiedAt },
    ]);
    await refreshDailyStats(handle.db, NOW);
  });
  afterAll(() => handle?.drop());

  it("gives the last 7 days' figures", async () => {
    const summary = await dashboardSummary(ctx, { days: 7, timeZone: "Etc/UTC" }, NOW);
    expect(summary.from).toBe("2026-03-04");
    expect(summary.to).toBe("2026-03-10");
    // 8 yesterday + 2 on the 5th + 3 today.
    expect(summary.totals).toEqual({ requested: 13, sent: 9, delivered: 7, undelivered: 2, failed: 1, cancelled: 0, skipped: 2, merged: 0, inFlight: 1 });
    expect(summary.skippedByReason).toEqual({ opted_out: 1, daily_cap: 1 });
    expect(summary.deliveryRate).toBeCloseTo(7 / 10); // delivered / (delivered + undelivered + failed)
    // Latencies 3, 5, 7, 10, 20, 40, 100 s: nearest-rank median is the 4th, p90 the 7th.
    expect(summary.latencySeconds).toEqual({ p50: 10, p90: 100 });
    expect(summary.errorCodes).toEqual(
      expect.arrayContaining([
        { code: 30003, meaning: expect.stringMatching(/switched off or out of coverage/), messages: 2 },
        { code: 21211, meaning: "The phone number is not a valid number.", messages: 1 },
      ]),
    );
    expect(summary.errorCodes).toHaveLength(2);
    expect(summary.topTemplates).toEqual([
      { templateId: templateA, key: "task_reminder", name: "Task Reminder", messages: 10 },
      { templateId: templateB, key: "daily_brief_ready", name: "Daily Brief Ready", messages: 3 },
    ]);
    // 5 priced texts at 0.0079; 12 segments in all, 7 unpriced at the same average.
    expect(summary.cost).toEqual({ known: 0.0395, estimated: 0.0948, unit: "USD" });
    expect(summary.people).toEqual({ verified: 2, optedOut: 1 });
    expect(summary.daily).toHaveLength(7);
    expect(summary.daily.find((d) => d.day === "2026-03-09")).toEqual({
      day: "2026-03-09",
      requested: 8,
      delivered: 4,
      failed: 2,
      skipped: 2,
      optOuts: 2,
      optIns: 0,
    });
    expect(summary.daily.find((d) => d.day === "2026-03-10")).toMatchObject({ requested: 3, delivered: 1, failed: 1, optIns: 1 });
    expect(summary.daily.find((d) => d.day === "2026-03-06")).toMatchObject({ requested: 0 });
  });

  it("widens to 30 days", async () => {
    const summary = await dashboardSummary(ctx, { days: 30, timeZone: "Etc/UTC" }, NOW);
    expect(summary.totals.requested).toBe(14);
    expect(summary.totals.delivered).toBe(8);
    // 1,000 s falls in the 16-minute bucket (960 s): the 8th of 8 latencies.
    expect(summary.latencySeconds).toEqual({ p50: 10, p90: 960 });
  });

  it("reads closed days from the rollup, and picks up a late change when the cron rebuilds them", async () => {
    await handle.db
      .update(smsMessages)
      .set({ status: "delivered", errorCode: null, deliveredAt: at("2026-03-09T09:00:00Z") })
      .where(eq(smsMessages.id, lateMessageId));
    expect((await dashboardSummary(ctx, { days: 7, timeZone: "Etc/UTC" }, NOW)).totals.delivered).toBe(7);
    await refreshDailyStats(handle.db, NOW);
    const summary = await dashboardSummary(ctx, { days: 7, timeZone: "Etc/UTC" }, NOW);
    expect(summary.totals).toMatchObject({ delivered: 8, undelivered: 1 });
  });
});
