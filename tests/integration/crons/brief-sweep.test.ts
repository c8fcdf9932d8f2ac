import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages, type userSmsPreferences } from "@/db/schema";
import { NOTHING_DUE_FOCUS } from "@/server/daily-brief/main-focus";
import { requestDueBriefs } from "@/server/daily-brief/request";
import type { BriefCursor } from "@/server/daily-brief/sweep";
import { systemContext } from "@/server/service-context";
import { addTask, seedTemplates, userWith } from "../../helpers/crons";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";

const MINUTE = 60_000;

describe.each(testDatabases())("daily brief sweep on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  const jobs = recordingJobs();
  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
  });
  afterAll(() => handle?.drop());

  const briefUser = (timeZone: string, dailyBriefTime: string, extra: Partial<typeof userSmsPreferences.$inferInsert> = {}) =>
    userWith(handle.db, { timeZone, dailyBriefTime, dailyBrief: true, ...extra });

  /** One tick as the cron runs it: every page, each requested through the request service. */
  async function tick(now: Date, limit = 1_000) {
    const ctx = systemContext(handle.db, jobs, "test");
    const totals = { due: 0, created: 0, existing: 0, pages: 0 };
    let after: BriefCursor | null = null;
    do {
      const page = await requestDueBriefs(ctx, { now, after, limit });
      totals.due += page.counts.due;
      totals.created += page.counts.created;
      totals.existing += page.counts.existing;
      totals.pages += 1;
      after = page.next;
    } while (after);
    return totals;
  }

  const briefsOf = (userId: string) =>
    handle.db.select().from(smsMessages).where(eq(smsMessages.userId, userId)).orderBy(smsMessages.createdAt);

  it("gives each user exactly one brief at their local minute, in zones offset by :30 and :45, over a day of ticks", async () => {
    // 2026-01-15: fixed or standard time in all four zones, so the instants are plain to state.
    const expected = {
      "America/New_York": ["07:30", "2026-01-15T12:30:00.000Z"],
      "Asia/Kolkata": ["08:00", "2026-01-15T02:30:00.000Z"], // +5:30
      "Asia/Kathmandu": ["08:00", "2026-01-15T02:15:00.000Z"], // +5:45
      "Pacific/Chatham": ["08:00", "2026-01-14T18:15:00.000Z"], // +13:45 in its summer: 08:00 on the 15th
    } as const;
    const users = new Map<string, string>();
    for (const [zone, [time]] of Object.entries(expected)) users.set(zone, (await briefUser(zone, time)).id);

    // Every 5-minute tick for 24 hours, each a few seconds late: each user's one brief that day.
    const start = Date.parse("2026-01-14T14:00:00Z");
    for (let t = start; t < start + 24 * 60 * MINUTE; t += 5 * MINUTE) await tick(new Date(t + 7_000));

    for (const [zone, [, instant]] of Object.entries(expected)) {
      const sent = await briefsOf(users.get(zone)!);
      expect(
        sent.map((m) => [m.scheduledFor?.toISOString(), m.dedupeKey.slice(-10), m.category]),
        zone,
      ).toEqual([[instant, "2026-01-15", "daily_brief"]]);
    }
  });

  it("does not double on a repeated tick and does not skip users whose minute fell between late or lost ticks", async () => {
    const user = await briefUser("Asia/Kathmandu", "09:10"); // 2026-02-10T03:25:00Z
    // The ticks at 03:10 .. 03:25 are lost; the next one comes at 03:31, after the minute.
    expect((await tick(new Date("2026-02-10T03:31:00Z"))).created).toBe(1);
    expect((await tick(new Date("2026-02-10T03:31:00Z"))).created).toBe(0); // repeated
    expect((await tick(new Date("2026-02-10T03:35:00Z"))).created).toBe(0); // next, overlapping
    expect((await briefsOf(user.id)).map((m) => m.scheduledFor?.toISOString())).toEqual(["2026-02-10T03:25:00.000Z"]);
  });

  it("requests a brief ahead of its minute, with scheduledFor at the exact instant and valid to the end of that local day", async () => {
    // In the future, so the request service sees a live brief (it is pending, its send run started).
    const user = await briefUser("Pacific/Chatham", "06:45"); // 2030-03-20 at +13:45 → 2030-03-19T17:00Z
    await tick(new Date("2030-03-19T16:50:00Z"));
    const [brief] = await briefsOf(user.id);
    expect(brief?.scheduledFor?.toISOString()).toBe("2030-03-19T17:00:00.000Z");
    expect(brief?.validUntil?.toISOString()).toBe("2030-03-20T10:15:00.000Z"); // midnight after the 20th, local
    expect(brief?.status).toBe("pending");
    expect(jobs.sent.some((e) => (e.data as { messageId: string }).messageId === brief?.id)).toBe(true);
  });

  it("on the spring-forward night a brief set in the skipped hour goes once, at the moment of the jump (as quiet hours read that time)", async () => {
    const user = await briefUser("America/New_York", "02:30"); // 2026-03-08: 02:00 → 03:00
    for (let t = Date.parse("2026-03-08T05:00:00Z"); t <= Date.parse("2026-03-08T09:00:00Z"); t += 5 * MINUTE) await tick(new Date(t));
    expect((await briefsOf(user.id)).map((m) => m.scheduledFor?.toISOString())).toEqual(["2026-03-08T07:00:00.000Z"]);
  });

  it("on the fall-back night a brief set in the repeated hour goes once, at its first occurrence", async () => {
    const user = await briefUser("America/New_York", "01:30"); // 2026-11-01: 02:00 EDT → 01:00 EST
    for (let t = Date.parse("2026-11-01T04:00:00Z"); t <= Date.parse("2026-11-01T08:00:00Z"); t += 5 * MINUTE) await tick(new Date(t));
    expect((await briefsOf(user.id)).map((m) => m.scheduledFor?.toISOString())).toEqual(["2026-11-01T05:30:00.000Z"]);
  });

  it("skips users with the brief off, without a verified phone, or opted out", async () => {
    const off = await briefUser("Europe/Berlin", "10:00", { dailyBrief: false });
    const unverified = await briefUser("Europe/Berlin", "10:00", { phoneVerifiedAt: null });
    const optedOut = await briefUser("Europe/Berlin", "10:00", { optedOutAt: new Date() });
    const on = await briefUser("Europe/Berlin", "10:00");
    await tick(new Date("2026-04-01T08:00:00Z"));
    expect(await briefsOf(on.id)).toHaveLength(1);
    for (const user of [off, unverified, optedOut]) expect(await briefsOf(user.id)).toHaveLength(0);
  });

  it("walks many users in small keyset pages without repeats or gaps", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await briefUser("Europe/Lisbon", `11:0${i}`)).id); // +1 in May
    for (let i = 0; i < 5; i++) ids.push((await briefUser("Africa/Casablanca", "11:03")).id); // +1 in May 2026
    const totals = await tick(new Date("2026-05-05T10:00:00Z"), 2);
    expect(totals.created).toBe(12);
    expect(totals.pages).toBeGreaterThanOrEqual(6);
    for (const id of ids) expect(await briefsOf(id)).toHaveLength(1);
  });

  it("names the most urgent open task due today or overdue as the main focus, and says so when there is none", async () => {
    const user = await briefUser("America/Chicago", "07:00"); // 2026-06-02 07:00 CDT = 12:00Z
    const add = (title: string, dueAt: string, priority: "urgent" | "high" | "normal" | "low", completedAt?: Date) =>
      addTask(handle.db, user.id, { title, dueAt: new Date(dueAt), priority, completedAt });
    await add("Low, due today", "2026-06-02T20:00:00Z", "low");
    await add("High, due today", "2026-06-02T18:00:00Z", "high");
    await add("Urgent, done", "2026-06-02T15:00:00Z", "urgent", new Date());
    await add("Urgent, due tomorrow", "2026-06-03T15:00:00Z", "urgent"); // 10:00 CDT on the 3rd
    await add("High, overdue", "2026-06-01T18:00:00Z", "high");
    await add("Urgent, late tonight", "2026-06-03T04:30:00Z", "urgent"); // 23:30 CDT on the 2nd
    const idle = await briefUser("America/Chicago", "07:00");
    await tick(new Date("2026-06-02T11:55:00Z"));
    expect((await briefsOf(user.id)).map((m) => m.body)).toEqual([
      "BuildOS: your daily brief is ready. Key focus: Urgent, late tonight (due 11:30 PM). Open the app for details.",
    ]);
    expect((await briefsOf(idle.id)).map((m) => m.body)).toEqual([
      `BuildOS: your daily brief is ready. Key focus: ${NOTHING_DUE_FOCUS}. Open the app for details.`,
    ]);
  });
});
