import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsOptChanges } from "@/db/schema";
import { dashboardSummary } from "@/server/dashboard/admin-queries";
import { refreshDailyStats } from "@/server/dashboard/rollup";
import type { AdminActor, ServiceContext } from "@/server/service-context";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";

/**
 * Days in the admin's zone across a clock change, and time to delivery from when a text was due.
 * "Now" is 2026-03-10 12:00 UTC = 05:00 in Los Angeles, two days after its clocks moved forward
 * (2026-03-08 02:00 PST → 03:00 PDT: that day is 23 hours long).
 */
const NOW = new Date("2026-03-10T12:00:00Z");
const LA = "America/Los_Angeles";
const at = (iso: string) => new Date(iso);
const plus = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

describe.each(testDatabases())("dashboard days and time to delivery on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let ctx: ServiceContext<AdminActor>;

  beforeAll(async () => {
    handle = await database.open();
    const admin = await createUser(handle.db, { role: "admin" });
    const user = await createUser(handle.db);
    ctx = { db: handle.db, actor: { type: "admin", userId: admin.id }, jobs: recordingJobs() };
    const skipped = (iso: string) => createMessage(handle.db, user.id, { status: "skipped", skipReason: "daily_cap", createdAt: at(iso) });
    await skipped("2026-03-03T18:10:00Z"); // 23:40 IST on the 3rd: before Kolkata's 7 days, in a UTC hour that ends inside them
    await skipped("2026-03-04T07:30:00Z"); // 23:30 PST on the 3rd: before the 7 days
    await skipped("2026-03-04T08:30:00Z"); // 00:30 PST on the 4th
    await skipped("2026-03-06T00:54:00Z"); // 4:54 PM PST on the 5th (the 6th in UTC)
    await skipped("2026-03-08T07:30:00Z"); // 23:30 PST on the 7th
    await skipped("2026-03-08T08:30:00Z"); // 00:30 PST on the 8th
    await skipped("2026-03-09T06:30:00Z"); // 23:30 PDT on the 8th (the 8th ends at 07:00 UTC, not 08:00)
    await skipped("2026-03-09T07:30:00Z"); // 00:30 PDT on the 9th
    await skipped("2026-03-10T06:30:00Z"); // 23:30 PDT on the 9th, but today in UTC: counted live

    // Time to delivery. A brief asked for at 05:00 PST to go at 05:10, delivered 4 s after.
    const briefAsked = at("2026-03-07T13:00:00Z");
    await createMessage(handle.db, user.id, {
      status: "delivered",
      createdAt: briefAsked,
      scheduledFor: plus(briefAsked, 600),
      sentAt: plus(briefAsked, 601),
      deliveredAt: plus(briefAsked, 604),
    });
    // Asked for at 22:00 PDT in the user's quiet hours, held until 08:00, delivered 20 s after.
    const heldAsked = at("2026-03-09T05:00:00Z");
    const held = await createMessage(handle.db, user.id, {
      status: "delivered",
      createdAt: heldAsked,
      sentAt: at("2026-03-09T15:00:05Z"),
      deliveredAt: at("2026-03-09T15:00:20Z"),
    });
    await handle.db.insert(smsMessageEvents).values({
      messageId: held.id,
      status: "scheduled",
      source: "system",
      payload: { heldUntil: "2026-03-09T15:00:00.000Z", holdReason: "quiet_hours" },
      createdAt: heldAsked,
    });
    // Today (UTC), counted live: asked and delivered 7 s later.
    const today = at("2026-03-10T11:00:00Z");
    await createMessage(handle.db, user.id, { status: "delivered", createdAt: today, sentAt: plus(today, 1), deliveredAt: plus(today, 7) });

    await handle.db.insert(smsOptChanges).values({ userId: user.id, kind: "opt_out", source: "keyword", createdAt: at("2026-03-06T00:54:00Z") });
    await refreshDailyStats(handle.db, NOW);
  });
  afterAll(() => handle?.drop());

  it("counts each text under its day in the chosen zone, with the 23-hour day of the clock change", async () => {
    const summary = await dashboardSummary(ctx, { days: 7, timeZone: LA }, NOW);
    expect(summary.timeZone).toBe(LA);
    expect(summary.from).toBe("2026-03-04");
    expect(summary.to).toBe("2026-03-10");
    expect(summary.daily.map((d) => [d.day, d.requested])).toEqual([
      ["2026-03-04", 1],
      ["2026-03-05", 1],
      ["2026-03-06", 0],
      ["2026-03-07", 2],
      ["2026-03-08", 3],
      ["2026-03-09", 2],
      ["2026-03-10", 1],
    ]);
    expect(summary.totals.requested).toBe(10);
    expect(summary.daily.find((d) => d.day === "2026-03-05")?.optOuts).toBe(1);
    expect(summary.hourlyEdges).toBe(false);
  });

  it("counts the same texts under UTC days when the admin picks UTC", async () => {
    const summary = await dashboardSummary(ctx, { days: 7, timeZone: "Etc/UTC" }, NOW);
    expect(summary.daily.map((d) => [d.day, d.requested])).toEqual([
      ["2026-03-04", 2],
      ["2026-03-05", 0],
      ["2026-03-06", 1],
      ["2026-03-07", 1],
      ["2026-03-08", 2],
      ["2026-03-09", 3],
      ["2026-03-10", 2],
    ]);
  });

  it("measures time to delivery from when each text was due: its send time, or the end of its hold", async () => {
    const summary = await dashboardSummary(ctx, { days: 7, timeZone: LA }, NOW);
    // 4 s, 7 s and 20 s — measured from the request they would be 604 s, 7 s and 10 h.
    expect(summary.latencySeconds).toEqual({ p50: 7, p90: 20 });
  });

  it("says when the zone's days cannot be cut exactly at whole UTC hours, and counts an hour where it starts", async () => {
    const summary = await dashboardSummary(ctx, { days: 7, timeZone: "Asia/Kolkata" }, NOW);
    expect(summary.hourlyEdges).toBe(true);
    // The 7 days begin at 18:30 UTC on the 3rd: the 18:00 UTC hour starts before them and is left
    // out, with the text sent in it; the other eight skipped texts and the three delivered count.
    expect(summary.totals.requested).toBe(11);
  });
});
