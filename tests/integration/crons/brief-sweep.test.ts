import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages, tasks, userSmsPreferences } from "@/db/schema";
import { briefWindow, DAILY_BRIEF_SCHEDULE } from "@/server/daily-brief/schedule";
import { dueBriefsPage, type BriefCursor, type DueBrief } from "@/server/daily-brief/sweep";
import { createMessage } from "../../helpers/factories";
import { createVerifiedUser } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";

const MINUTE = 60_000;

describe.each(testDatabases())("daily brief sweep on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  async function briefUser(timeZone: string, dailyBriefTime: string, extra: Partial<typeof userSmsPreferences.$inferInsert> = {}) {
    const user = await createVerifiedUser(handle.db, "+15555550100");
    await handle.db
      .update(userSmsPreferences)
      .set({ timeZone, dailyBriefTime, dailyBrief: true, ...extra })
      .where(eq(userSmsPreferences.userId, user.id));
    return user;
  }

  /** Every page of one tick; records each brief as a message (what the cron's request does). */
  async function tick(now: Date, limit = 1_000): Promise<DueBrief[]> {
    const { from, to } = briefWindow(now);
    const found: DueBrief[] = [];
    let after: BriefCursor | null = null;
    do {
      const page = await dueBriefsPage(handle.db, { from, to, after, limit });
      for (const brief of page.briefs) {
        await createMessage(handle.db, brief.userId, { category: "daily_brief", dedupeKey: brief.dedupeKey, scheduledFor: brief.briefAt });
      }
      found.push(...page.briefs);
      after = page.next;
    } while (after);
    return found;
  }

  const briefsOf = (userId: string) =>
    handle.db.select().from(smsMessages).where(eq(smsMessages.userId, userId));

  it("gives each user exactly one brief at their local minute, in zones offset by :30 and :45, over a day of ticks", async () => {
    // 2026-01-15: all four zones on standard or fixed time, so the instants are plain to state.
    const expected = {
      "America/New_York": ["07:30", "2026-01-15T12:30:00.000Z"],
      "Asia/Kolkata": ["08:00", "2026-01-15T02:30:00.000Z"], // +5:30
      "Asia/Kathmandu": ["08:00", "2026-01-15T02:15:00.000Z"], // +5:45
      "Pacific/Chatham": ["08:00", "2026-01-14T18:15:00.000Z"], // +13:45 (summer) → 08:00 on the 15th local
    } as const;
    const users = new Map<string, string>();
    for (const [zone, [time]] of Object.entries(expected)) users.set(zone, (await briefUser(zone, time)).id);

    // Every 5-minute tick for 24 hours, each a few seconds late: each user's one brief in that day.
    const start = Date.parse("2026-01-14T14:00:00Z");
    for (let t = start; t < start + 24 * 60 * MINUTE; t += 5 * MINUTE) await tick(new Date(t + 7_000));

    for (const [zone, [, instant]] of Object.entries(expected)) {
      const sent = await briefsOf(users.get(zone)!);
      expect(sent.map((m) => [m.scheduledFor?.toISOString(), m.dedupeKey.slice(-10)]), zone).toEqual([[instant, "2026-01-15"]]);
    }
  });

  it("does not double on a repeated tick and does not skip users whose minute fell between late or lost ticks", async () => {
    const user = await briefUser("Asia/Kathmandu", "09:10"); // 2026-02-10T03:25:00Z
    const instant = "2026-02-10T03:25:00.000Z";
    // The ticks at 03:10 .. 03:25 are lost; the next one comes at 03:31, after the minute.
    expect(await tick(new Date("2026-02-10T03:31:00Z"))).toHaveLength(1);
    expect(await tick(new Date("2026-02-10T03:31:00Z"))).toHaveLength(0); // repeated
    expect(await tick(new Date("2026-02-10T03:35:00Z"))).toHaveLength(0); // next, overlapping
    const sent = await briefsOf(user.id);
    expect(sent.map((m) => m.scheduledFor?.toISOString())).toEqual([instant]);
  });

  it("requests a brief ahead of its minute, with scheduledFor set to the exact instant", async () => {
    const user = await briefUser("Pacific/Chatham", "06:45"); // 2026-03-20, +13:45 → 2026-03-19T17:00Z
    const found = await tick(new Date("2026-03-19T16:50:00Z"));
    expect(found.filter((b) => b.userId === user.id).map((b) => b.briefAt.toISOString())).toEqual(["2026-03-19T17:00:00.000Z"]);
  });

  it("on the spring-forward night a brief set in the skipped hour goes once, an hour later on the clock", async () => {
    const user = await briefUser("America/New_York", "02:30"); // 2026-03-08: 02:00 → 03:00
    for (let t = Date.parse("2026-03-08T05:00:00Z"); t <= Date.parse("2026-03-08T09:00:00Z"); t += 5 * MINUTE) await tick(new Date(t));
    const sent = await briefsOf(user.id);
    expect(sent.map((m) => m.scheduledFor?.toISOString())).toEqual(["2026-03-08T07:30:00.000Z"]);
  });

  it("skips users with the brief off, without a verified phone, or opted out", async () => {
    const off = await briefUser("Europe/Berlin", "10:00", { dailyBrief: false });
    const unverified = await briefUser("Europe/Berlin", "10:00", { phoneVerifiedAt: null });
    const optedOut = await briefUser("Europe/Berlin", "10:00", { optedOutAt: new Date() });
    const on = await briefUser("Europe/Berlin", "10:00");
    const found = (await tick(new Date("2026-04-01T08:00:00Z"))).map((b) => b.userId);
    expect(found).toContain(on.id);
    expect(found).not.toContain(off.id);
    expect(found).not.toContain(unverified.id);
    expect(found).not.toContain(optedOut.id);
  });

  it("walks many users in small keyset pages without repeats or gaps", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) ids.add((await briefUser("Europe/Lisbon", `11:0${i}`)).id);
    for (let i = 0; i < 5; i++) ids.add((await briefUser("Africa/Casablanca", "11:03")).id); // +1 in May 2026
    const found = await tick(new Date("2026-05-05T10:00:00Z"), 2);
    const mine = found.map((b) => b.userId).filter((id) => ids.has(id));
    expect(new Set(mine).size).toBe(mine.length);
    expect(new Set(mine)).toEqual(ids);
  });

  it("picks the most urgent open task due today or overdue as the main focus", async () => {
    const user = await briefUser("America/Chicago", "07:00"); // 2026-06-02 07:00 CDT = 12:00Z
    const add = (title: string, dueAt: string, priority: "urgent" | "high" | "normal" | "low", completedAt?: Date) =>
      handle.db.insert(tasks).values({ userId: user.id, title, dueAt: new Date(dueAt), priority, completedAt });
    await add("Low, due today", "2026-06-02T20:00:00Z", "low");
    await add("High, due today", "2026-06-02T18:00:00Z", "high");
    await add("Urgent, done", "2026-06-02T15:00:00Z", "urgent", new Date());
    await add("Urgent, due tomorrow", "2026-06-03T15:00:00Z", "urgent"); // 10:00 CDT on the 3rd
    await add("High, overdue", "2026-06-01T18:00:00Z", "high");
    await add("Urgent, late tonight", "2026-06-03T04:30:00Z", "urgent"); // 23:30 CDT on the 2nd
    const [brief] = (await tick(new Date("2026-06-02T11:55:00Z"))).filter((b) => b.userId === user.id);
    expect(brief?.focus?.title).toBe("Urgent, late tonight");

    const idle = await briefUser("America/Chicago", "07:00");
    const [none] = (await tick(new Date("2026-06-02T11:55:00Z"))).filter((b) => b.userId === idle.id);
    expect(none?.focus).toBeNull();
    expect(DAILY_BRIEF_SCHEDULE.horizonMs).toBeGreaterThan(5 * MINUTE); // 11:55 tick sees 12:00
  });
});
