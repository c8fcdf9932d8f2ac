import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsDailyCounters, smsMessageEvents, smsMessages, tasks } from "@/db/schema";
import { systemContext, type ServiceContext } from "@/server/service-context";
import { cancelMessage } from "@/server/sms/cancel";
import { advanceMessage } from "@/server/sms/send-pipeline";
import { completeOwnedTask } from "@/server/tasks/service";
import { addTask, seedTemplates, userWith } from "../../helpers/crons";
import { signedInbound } from "../../helpers/inbound";
import { recordingJobs } from "../../helpers/jobs";
import { sweepReminders, utcClock } from "../../helpers/reminders";
import { testDatabases } from "../../helpers/test-db";
import { createUser } from "../../helpers/factories";
import { callerFor } from "../../helpers/trpc";

const MINUTE = 60_000;

/**
 * The digest after quiet hours, on the real database: reminders requested by the reminder sweep,
 * held by the pipeline (advanceMessage, the step send-sms runs) through the user's quiet hours,
 * then woken at their end as the engine would wake them.
 */
describe.each(testDatabases())("the digest after quiet hours, on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
  });
  afterAll(() => handle?.drop());

  const message = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const digestsOf = (userId: string) =>
    handle.db.select().from(smsMessages).where(and(eq(smsMessages.userId, userId), isNotNull(smsMessages.digestSize)));
  const capCount = async (userId: string) =>
    (await handle.db.select().from(smsDailyCounters).where(eq(smsDailyCounters.userId, userId))).reduce((sum, row) => sum + row.count, 0);

  /**
   * A user in quiet hours (UTC, ending in two hours) with reminders for `titles`, each held by
   * the pipeline until the quiet hours end. Returns the held texts in request order and when they wake.
   */
  async function heldReminders(titles: string[], prefs: Parameters<typeof userWith>[1] = {}) {
    const now = new Date();
    const user = await userWith(handle.db, {
      timeZone: "UTC",
      quietHoursEnabled: true,
      quietHoursStart: utcClock(now, -60),
      quietHoursEnd: utcClock(now, 120),
      reminderLeadMinutes: 1440,
      ...prefs,
    });
    const taskRows = [];
    for (const [i, title] of titles.entries()) taskRows.push(await addTask(handle.db, user.id, { title, dueAt: new Date(now.getTime() + (300 + i) * MINUTE) }));
    const jobs = recordingJobs();
    const ctx = systemContext(handle.db, jobs, "test");
    await sweepReminders(handle.db, jobs, now);
    const held = [];
    for (const task of taskRows) {
      const [row] = await handle.db.select().from(smsMessages).where(eq(smsMessages.taskId, task.id));
      const step = await advanceMessage(ctx, row!.id, now);
      expect(step).toMatchObject({ next: "wait", why: "quiet_hours" });
      held.push({ ...(await message(row!.id)), task });
    }
    const wake = new Date((await message(held[0]!.id)).heldUntil!);
    return { user, held, wake, ctx, jobs };
  }

  it("three held reminders go as one digest: items end merged, pointing at it, and the cap counts it once", async () => {
    const { user, held, wake, ctx, jobs } = await heldReminders(["Call Ana", "Pay rent", "Draft report"], { dailyCap: 2 });
    expect(held.map((m) => m.replyRef ?? 1)).toEqual([1, 2, 3]);

    // The first run to wake gathers the others; they were due at the same moment.
    expect(await advanceMessage(ctx, held[0]!.id, wake)).toEqual({ next: "done", status: "merged" });
    const [digest, ...others] = await digestsOf(user.id);
    expect(others).toHaveLength(0);
    expect(digest).toMatchObject({ status: "queued", digestSize: 3, to: user.phone, category: "task_reminders", encoding: "GSM-7" });
    // Due three hours after the digest wakes: "tomorrow at" when the wake is after 21:00 UTC.
    expect(digest!.body).toMatch(
      /^BuildOS: 3 reminders: 1\) Call Ana (tomorrow )?at .+; 2\) Pay rent (tomorrow )?at .+; 3\) Draft report (tomorrow )?at .+\. Reply DONE or SNOOZE with a number, e\.g\. DONE 1\.$/,
    );
    for (const item of held) expect(await message(item.id)).toMatchObject({ status: "merged", mergedIntoId: digest!.id, heldUntil: null });
    // Counted once, against a cap of 2 that three texts alone would have broken.
    expect(await capCount(user.id)).toBe(1);
    expect(jobs.sent.filter((e) => e.name === "sms/message.queued")).toEqual([expect.objectContaining({ id: `${digest!.id}:dispatch` })]);

    // The other runs wake and find their text merged: no second digest, the hand-off is the same event id.
    expect(await advanceMessage(ctx, held[1]!.id, wake)).toEqual({ next: "done", status: "merged" });
    expect(await advanceMessage(ctx, held[2]!.id, wake)).toEqual({ next: "done", status: "merged" });
    expect(await digestsOf(user.id)).toHaveLength(1);
    expect(await capCount(user.id)).toBe(1);
    expect(new Set(jobs.sent.filter((e) => e.name === "sms/message.queued").map((e) => e.id))).toEqual(new Set([`${digest!.id}:dispatch`]));
    const mergedEvents = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, held[1]!.id));
    expect(mergedEvents.at(-1)).toMatchObject({ status: "merged", payload: { digestId: digest!.id } });
  });

  it("both sides show: the user's history, the admin message view (with Cancel on an item while the digest waits) and the dashboard", async () => {
    const { user, held, wake, ctx } = await heldReminders(["Call Ana", "Pay rent"]);
    await advanceMessage(ctx, held[0]!.id, wake);
    const [digest] = await digestsOf(user.id);
    const asUser = callerFor(handle.db, { id: user.id, email: user.email, name: user.name, role: "user" });
    const history = (await asUser.messages.list({})).items;
    expect(history.find((m) => m.id === digest!.id)).toMatchObject({ digestSize: 2, status: "queued" });
    expect(history.filter((m) => m.status === "merged")).toEqual([
      expect.objectContaining({ reason: "Held through your quiet hours, then sent in one digest with your other held texts." }),
      expect.objectContaining({ reason: "Held through your quiet hours, then sent in one digest with your other held texts." }),
    ]);

    const root = await createUser(handle.db, { role: "admin" });
    const asAdmin = callerFor(handle.db, { id: root.id, email: root.email, name: root.name, role: "admin" });
    const item = await asAdmin.admin.messages.get({ id: held[1]!.id });
    expect(item).toMatchObject({ status: "merged", mergedInto: { id: digest!.id, status: "queued" }, digestItems: [], actions: { cancel: true } });
    const whole = await asAdmin.admin.messages.get({ id: digest!.id });
    expect(whole.digestItems.map((i) => i.id).sort()).toEqual([held[0]!.id, held[1]!.id].sort());
    expect(whole.mergedInto).toBeNull();
    const stats = await asAdmin.admin.dashboard({ days: 7, timeZone: "Etc/UTC" });
    expect(stats.totals.merged).toBeGreaterThanOrEqual(2);

    // Once the digest left, an item offers no Cancel.
    await handle.db.update(smsMessages).set({ status: "sent" }).where(eq(smsMessages.id, digest!.id));
    expect((await asAdmin.admin.messages.get({ id: held[1]!.id })).actions.cancel).toBe(false);
  });

  it("a reply to the digest acts on any of its items by number; a bare DONE asks which", async () => {
    const { user, held, wake, ctx } = await heldReminders(["Call Ana", "Pay rent", "Draft report"]);
    await advanceMessage(ctx, held[0]!.id, wake);
    const [digest] = await digestsOf(user.id);
    // Dispatch hands it to Twilio (what the send path records).
    await handle.db.update(smsMessages).set({ status: "sent", sentAt: new Date(), twilioSid: `SM${crypto.randomUUID().replace(/-/g, "")}` }).where(eq(smsMessages.id, digest!.id));

    const done = await signedInbound(handle.db, user.phone, "DONE 2");
    expect(done.replies).toEqual(["Done: Pay rent."]);
    const [second] = await handle.db.select().from(tasks).where(eq(tasks.id, held[1]!.task.id));
    expect(second).toMatchObject({ completedVia: "text", completedAt: expect.any(Date) });
    // The digest already left: completing an item's task does not touch it.
    expect(await message(digest!.id)).toMatchObject({ status: "sent", digestSize: 3 });

    const asked = await signedInbound(handle.db, user.phone, "done");
    expect(asked.replies).toEqual(["Which one? 1 Call Ana, 3 Draft report. Reply DONE 1 or DONE 3."]);
  });

  it("a cancel before release takes the text out; cancels after the merge rewrite the digest, and the last one cancels it and gives the slot back", async () => {
    const { user, held, wake, ctx } = await heldReminders(["Call Ana", "Pay rent", "Draft report"]);
    const owner: ServiceContext = { db: handle.db, jobs: recordingJobs(), actor: { type: "user", userId: user.id } };
    await cancelMessage(owner, held[2]!.id);

    await advanceMessage(ctx, held[0]!.id, wake);
    const [digest] = await digestsOf(user.id);
    expect(digest).toMatchObject({ digestSize: 2, status: "queued" });
    expect(digest!.body).not.toContain("Draft report");
    expect(await message(held[2]!.id)).toMatchObject({ status: "cancelled", mergedIntoId: null });
    expect(await capCount(user.id)).toBe(1);

    // Merged, the digest not yet claimed: cancelling an item takes it out; one left goes as itself.
    expect(await cancelMessage(owner, held[1]!.id)).toMatchObject({ status: "cancelled", changed: true });
    expect(await message(digest!.id)).toMatchObject({ status: "queued", digestSize: 1, body: held[0]!.body });
    expect(await message(held[1]!.id)).toMatchObject({ status: "cancelled", mergedIntoId: digest!.id });

    // Completing the last item's task takes it out too: the digest is empty, cancelled, its slot given back.
    await completeOwnedTask(handle.db, ctx.actor, { taskId: held[0]!.task.id, userId: user.id, via: "app", at: new Date() });
    expect(await message(held[0]!.id)).toMatchObject({ status: "cancelled", skipReason: "task_done" });
    expect(await message(digest!.id)).toMatchObject({ status: "cancelled" });
    expect(await capCount(user.id)).toBe(0);
  });

  it("once the digest was claimed for sending, its items can no longer be cancelled", async () => {
    const { user, held, wake, ctx } = await heldReminders(["Call Ana", "Pay rent"]);
    await advanceMessage(ctx, held[0]!.id, wake);
    const [digest] = await digestsOf(user.id);
    await handle.db.update(smsMessages).set({ status: "sending" }).where(eq(smsMessages.id, digest!.id));
    const owner: ServiceContext = { db: handle.db, jobs: recordingJobs(), actor: { type: "user", userId: user.id } };
    await expect(cancelMessage(owner, held[1]!.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await message(held[1]!.id)).toMatchObject({ status: "merged" });
    expect(await message(digest!.id)).toMatchObject({ digestSize: 2 });
  });

  it("runs waking at the same moment make one digest", async () => {
    const { user, held, wake, ctx } = await heldReminders(["Call Ana", "Pay rent", "Draft report", "Book the crane"]);
    const steps = await Promise.all(held.map((m) => advanceMessage(ctx, m.id, wake)));
    expect(steps.every((s) => s.next === "done" && s.status === "merged")).toBe(true);
    const digests = await digestsOf(user.id);
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ digestSize: 4, status: "queued" });
    expect(await capCount(user.id)).toBe(1);
  });

  it("with digests turned off, or a single text held, each goes as itself", async () => {
    const off = await heldReminders(["Call Ana", "Pay rent"], { digestAfterQuietHours: false });
    expect(await advanceMessage(off.ctx, off.held[0]!.id, off.wake)).toEqual({ next: "done", status: "queued" });
    expect(await advanceMessage(off.ctx, off.held[1]!.id, off.wake)).toEqual({ next: "done", status: "queued" });
    expect(await digestsOf(off.user.id)).toHaveLength(0);
    expect(await capCount(off.user.id)).toBe(2);

    const single = await heldReminders(["Call Ana"]);
    expect(await advanceMessage(single.ctx, single.held[0]!.id, single.wake)).toEqual({ next: "done", status: "queued" });
    expect(await digestsOf(single.user.id)).toHaveLength(0);
  });

  it("a held text that may not go any more stays out of the digest and ends as it should", async () => {
    const { user, held, wake, ctx } = await heldReminders(["Call Ana", "Pay rent", "Draft report"]);
    // Done in the app while held: its reminder is cancelled (task_done), not merged.
    await completeOwnedTask(handle.db, ctx.actor, { taskId: held[1]!.task.id, userId: user.id, via: "app", at: new Date() });
    await advanceMessage(ctx, held[0]!.id, wake);
    const [digest] = await digestsOf(user.id);
    expect(digest).toMatchObject({ digestSize: 2 });
    expect(digest!.body).not.toContain("Pay rent");
    expect(await message(held[1]!.id)).toMatchObject({ status: "cancelled", skipReason: "task_done" });
  });
});
