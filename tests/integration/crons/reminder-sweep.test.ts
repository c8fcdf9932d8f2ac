import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages, tasks } from "@/db/schema";
import { requestDueReminders } from "@/server/reminders/request";
import type { ReminderCursor } from "@/server/reminders/sweep";
import { systemContext } from "@/server/service-context";
import { addTask, seedTemplates, userWith } from "../../helpers/crons";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";

const MINUTE = 60_000;

describe.each(testDatabases())("task reminder sweep on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  const jobs = recordingJobs();
  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
  });
  afterAll(() => handle?.drop());

  // Ticks run in the future so the request service (real clock) sees the reminders as live.
  let base = Date.parse("2031-01-06T15:00:00Z");
  const nextTick = () => new Date((base += 7 * 24 * 60 * MINUTE));

  async function tick(now: Date, limit = 1_000) {
    const ctx = systemContext(handle.db, jobs, "test");
    const totals = { due: 0, created: 0, existing: 0, pages: 0 };
    let after: ReminderCursor | null = null;
    do {
      const page = await requestDueReminders(ctx, { now, after, limit });
      totals.due += page.counts.due;
      totals.created += page.counts.created;
      totals.existing += page.counts.existing;
      totals.pages += 1;
      after = page.next;
    } while (after);
    return totals;
  }

  const remindersOf = (userId: string) =>
    handle.db.select().from(smsMessages).where(eq(smsMessages.userId, userId)).orderBy(smsMessages.createdAt);
  const at = (now: Date, minutes: number) => new Date(now.getTime() + minutes * MINUTE);

  it("reminds of open tasks due within the owner's lead time, and of nothing else", async () => {
    const now = nextTick();
    const user = await userWith(handle.db, { reminderLeadMinutes: 60 });
    const inside = await addTask(handle.db, user.id, { title: "Inside", dueAt: at(now, 45) });
    await addTask(handle.db, user.id, { title: "Outside", dueAt: at(now, 61) });
    await addTask(handle.db, user.id, { title: "Done", dueAt: at(now, 30), completedAt: now });
    await addTask(handle.db, user.id, { title: "Already due", dueAt: at(now, -1) });
    await addTask(handle.db, user.id, { title: "No due date" });
    const longLead = await userWith(handle.db, { reminderLeadMinutes: 180 });
    const far = await addTask(handle.db, longLead.id, { title: "Far", dueAt: at(now, 170) });
    const off = await userWith(handle.db, { taskReminders: false });
    await addTask(handle.db, off.id, { title: "Reminders off", dueAt: at(now, 10) });
    const optedOut = await userWith(handle.db, { optedOutAt: now });
    await addTask(handle.db, optedOut.id, { title: "Opted out", dueAt: at(now, 10) });

    await tick(now);
    const mine = await remindersOf(user.id);
    expect(mine.map((m) => [m.dedupeKey, m.validUntil?.toISOString(), m.status])).toEqual([
      [`task_reminder:${inside.id}:${inside.dueAt!.toISOString()}`, inside.dueAt!.toISOString(), "pending"],
    ]);
    expect((await remindersOf(longLead.id)).map((m) => m.dedupeKey)).toEqual([`task_reminder:${far.id}:${far.dueAt!.toISOString()}`]);
    expect(await remindersOf(off.id)).toHaveLength(0);
    expect(await remindersOf(optedOut.id)).toHaveLength(0);
    const started = jobs.sent.map((e) => (e.data as { messageId: string }).messageId);
    expect(started).toContain(mine[0]!.id);
  });

  it("says when the task is due on the owner's clock", async () => {
    const now = new Date("2031-07-01T18:40:00Z");
    const user = await userWith(handle.db, { timeZone: "America/New_York" });
    await addTask(handle.db, user.id, { title: "Send the invoice", project: "Acme", dueAt: new Date("2031-07-01T19:30:00Z") });
    await tick(now);
    expect((await remindersOf(user.id)).map((m) => m.body)).toEqual(["BuildOS: Send the invoice is due at 3:30 PM. Project: Acme. Reply DONE or SNOOZE."]);
  });

  it("a repeated or later tick adds nothing; a rescheduled task gets a new reminder", async () => {
    const now = nextTick();
    const user = await userWith(handle.db, { reminderLeadMinutes: 60 });
    const task = await addTask(handle.db, user.id, { title: "Moves", dueAt: at(now, 50) });
    expect((await tick(now)).created).toBeGreaterThanOrEqual(1);
    expect((await remindersOf(user.id))).toHaveLength(1);
    await tick(now); // repeated
    await tick(at(now, 5)); // next tick, task still in the window
    expect(await remindersOf(user.id)).toHaveLength(1);

    await handle.db.update(tasks).set({ dueAt: at(now, 55) }).where(eq(tasks.id, task.id));
    await tick(at(now, 10));
    const reminders = await remindersOf(user.id);
    expect(reminders.map((m) => m.dedupeKey)).toEqual([
      `task_reminder:${task.id}:${at(now, 50).toISOString()}`,
      `task_reminder:${task.id}:${at(now, 55).toISOString()}`,
    ]);
  });

  it("walks many tasks in small keyset pages without repeats or gaps", async () => {
    const now = nextTick();
    const user = await userWith(handle.db);
    // Several tasks share a due time: the cursor breaks ties by id.
    for (let i = 0; i < 9; i++) await addTask(handle.db, user.id, { title: `Task ${i}`, dueAt: at(now, 20 + (i % 3)) });
    const totals = await tick(now, 2);
    expect(totals.created).toBe(9);
    expect(totals.pages).toBeGreaterThanOrEqual(5);
    const keys = (await remindersOf(user.id)).map((m) => m.dedupeKey);
    expect(new Set(keys).size).toBe(9);
  });
});
