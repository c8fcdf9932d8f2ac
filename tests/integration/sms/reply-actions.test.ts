import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsInboundMessages, smsMessages, tasks, userSmsPreferences } from "@/db/schema";
import { systemContext } from "@/server/service-context";
import { clockTime } from "@/server/tasks/display";
import { advanceMessage } from "@/server/sms/send-pipeline";
import { addTask, nextPhone, seedTemplates, userWith } from "../../helpers/crons";
import { recordingJobs } from "../../helpers/jobs";
import { markRemindersSent, remindersOfTask, sweepReminders, utcClock } from "../../helpers/reminders";
import { newInboundSid, signedInbound } from "../../helpers/inbound";
import { createSmsUser, preferencesOf } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";
import { createUser } from "../../helpers/factories";

const MINUTE = 60_000;
const later = (minutes: number) => new Date(Date.now() + minutes * MINUTE);

describe.each(testDatabases())("replies that act on reminders, through the signed inbound webhook, on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let jobs = recordingJobs();
  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
  });
  afterAll(() => handle?.drop());

  /** A text from `from`, POSTed as Twilio does (tests/helpers/inbound.ts); its jobs are kept for the test to read. */
  async function text(from: string, body: string, messageSid = newInboundSid()) {
    const sent = await signedInbound(handle.db, from, body, messageSid);
    jobs = sent.jobs;
    expect(sent.response.status).toBe(200);
    expect(sent.response.headers.get("content-type")).toMatch(/^text\/xml/);
    return { replies: sent.replies, sid: sent.sid };
  }

  /** A user with a task due in `dueIn` minutes whose reminder was sent to their phone. */
  async function remindedUser(title = "Call Ana", options: { dueIn?: number; prefs?: Parameters<typeof userWith>[1] } = {}) {
    const user = await userWith(handle.db, { timeZone: "UTC", quietHoursEnabled: false, reminderLeadMinutes: 1440, ...options.prefs });
    const task = await addTask(handle.db, user.id, { title, dueAt: later(options.dueIn ?? 45) });
    await sweepReminders(handle.db, recordingJobs());
    const [reminder] = await markRemindersSent(handle.db, task.id);
    return { user, task, reminder: reminder! };
  }

  async function addReminded(userId: string, title: string) {
    const task = await addTask(handle.db, userId, { title, dueAt: later(50) });
    await sweepReminders(handle.db, recordingJobs());
    const [reminder] = await markRemindersSent(handle.db, task.id);
    return { task, reminder: reminder! };
  }

  const taskRow = async (id: string) => (await handle.db.select().from(tasks).where(eq(tasks.id, id)))[0];
  const inboundRow = async (sid: string) => (await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, sid)))[0];

  it("DONE completes the task of the reminder, answers in TwiML, and records what it did", async () => {
    const { user, task, reminder } = await remindedUser("Call Ana");
    expect(reminder.body).toMatch(/Reply DONE or SNOOZE\.$/);
    const { replies, sid } = await text(user.phone, "Done!");
    expect(replies).toEqual(["Done: Call Ana."]);
    expect(await taskRow(task.id)).toMatchObject({ completedVia: "text", completedAt: expect.any(Date) });
    expect(await inboundRow(sid)).toMatchObject({
      userId: user.id,
      keyword: "none",
      matchedRule: "action:done",
      outcome: "completed",
      taskId: task.id,
      answeredMessageId: reminder.id,
      reply: "Done: Call Ana.",
    });
    // Asked again, the task is already done: a plain answer, nothing changes.
    expect((await text(user.phone, "done")).replies).toEqual(["Already done: Call Ana."]);
  });

  it("SNOOZE 2H requests a new reminder two hours on, through the request path, and starts its run after the commit", async () => {
    const { user, task, reminder } = await remindedUser("Pay rent", { dueIn: 600 });
    const before = Date.now();
    const { replies, sid } = await text(user.phone, "SNOOZE 2H");
    const stored = await inboundRow(sid);
    expect(stored).toMatchObject({ outcome: "snoozed", answeredMessageId: reminder.id, createdMessageId: expect.any(String) });
    const [snoozed] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, stored!.createdMessageId!));
    const expected = Math.ceil((before + 120 * MINUTE) / MINUTE) * MINUTE;
    expect(Math.abs(snoozed!.scheduledFor!.getTime() - expected)).toBeLessThanOrEqual(MINUTE);
    expect(snoozed).toMatchObject({
      status: "pending",
      taskId: task.id,
      taskDueAt: task.dueAt,
      replyRef: reminder.replyRef,
      dedupeKey: `task_snooze:${task.id}:${snoozed!.scheduledFor!.toISOString()}`,
      validUntil: null,
    });
    // "tomorrow" when two hours on is past midnight UTC
    expect(replies).toEqual([expect.stringMatching(new RegExp(`^Snoozed until (tomorrow )?${clockTime(snoozed!.scheduledFor!, "UTC")}: Pay rent\\.$`))]);
    expect(jobs.sent).toEqual([expect.objectContaining({ name: "sms/message.requested", id: snoozed!.id })]);
  });

  it("a snooze that lands in quiet hours is held until they end", async () => {
    const { user } = await remindedUser("Draft report", {
      dueIn: 900,
      prefs: { quietHoursEnabled: true, quietHoursStart: utcClock(new Date(), 60), quietHoursEnd: utcClock(new Date(), 240) },
    });
    const { replies, sid } = await text(user.phone, "snooze 2 hours");
    expect(replies[0]).toMatch(/^Snoozed until (tomorrow )?\d+:\d\d [AP]M \(after quiet hours\): Draft report\.$/);
    const snoozed = (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, (await inboundRow(sid))!.createdMessageId!)))[0]!;
    const prefs = await preferencesOf(handle.db, user.id);
    const step = await advanceMessage(systemContext(handle.db, recordingJobs(), "test"), snoozed.id, snoozed.scheduledFor!);
    expect(step).toMatchObject({ next: "wait", why: "quiet_hours" });
    expect(new Date((step as { until: string }).until).toISOString().slice(11, 16)).toBe(prefs.quietHoursEnd);
  });

  it("a bare DONE with two open reminders asks which; DONE 2 then completes the second only", async () => {
    const { user, task: first, reminder: r1 } = await remindedUser("Call Ana");
    const { task: second, reminder: r2 } = await addReminded(user.id, "Pay rent");
    expect([r1.replyRef, r2.replyRef]).toEqual([1, 2]);
    expect(r2.body).toMatch(/Reply DONE 2 or SNOOZE 2\.$/);
    const asked = await text(user.phone, "DONE");
    expect(asked.replies).toEqual(["Which one? 1 Call Ana, 2 Pay rent. Reply DONE 1 or DONE 2."]);
    expect(await inboundRow(asked.sid)).toMatchObject({ outcome: "asked_which", taskId: null });
    expect((await taskRow(first.id))?.completedAt).toBeNull();
    expect((await taskRow(second.id))?.completedAt).toBeNull();

    expect((await text(user.phone, "DONE 2")).replies).toEqual(["Done: Pay rent."]);
    expect((await taskRow(second.id))?.completedVia).toBe("text");
    expect((await taskRow(first.id))?.completedAt).toBeNull();
    // Only one is open now: a bare DONE acts on it.
    expect((await text(user.phone, "done")).replies).toEqual(["Done: Call Ana."]);
  });

  it("a replayed webhook repeats the first answer and acts once", async () => {
    const { user, task } = await remindedUser("Water plants", { dueIn: 600 });
    const sid = newInboundSid();
    const first = await text(user.phone, "SNOOZE 30M", sid);
    const again = await text(user.phone, "SNOOZE 30M", sid);
    expect(again.replies).toEqual(first.replies);
    expect(jobs.sent).toEqual([]); // the replay started nothing
    const snoozes = (await remindersOfTask(handle.db, task.id)).filter((m) => m.dedupeKey.startsWith("task_snooze:"));
    expect(snoozes).toHaveLength(1);
    expect(await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, sid))).toHaveLength(1);

    const doneSid = newInboundSid();
    expect((await text(user.phone, "DONE", doneSid)).replies).toEqual(["Done: Water plants."]);
    expect((await text(user.phone, "DONE", doneSid)).replies).toEqual(["Done: Water plants."]);
    // Completing the task cancelled the snooze's reminder still waiting to leave.
    expect((await remindersOfTask(handle.db, task.id)).find((m) => m.id === snoozes[0]!.id)).toMatchObject({ status: "cancelled", skipReason: "task_done" });
  });

  it("a reply from another number changes nothing: unknown numbers get no answer, another user's reference never reaches this task", async () => {
    const { task } = await remindedUser("Call Ana");
    const unknown = await text(nextPhone(), "DONE");
    expect(unknown.replies).toEqual([]);
    expect(await inboundRow(unknown.sid)).toMatchObject({ userId: null, matchedRule: "action:done", outcome: null });
    const other = await userWith(handle.db);
    expect((await text(other.phone, "DONE 1")).replies).toEqual(["No reminder 1 is open. Reply HELP for help."]);
    expect((await text(other.phone, "DONE")).replies).toEqual(["There is no open reminder to act on. Reply HELP for help."]);
    expect((await taskRow(task.id))?.completedAt).toBeNull();
  });

  it("CANCEL opts out with the STOP reply and completes nothing; so does a plain request to stop", async () => {
    const { user, task } = await remindedUser("Call Ana");
    const cancel = await text(user.phone, "CANCEL");
    expect(cancel.replies).toEqual([expect.stringMatching(/^BuildOS SMS: You are unsubscribed/)]);
    expect(await inboundRow(cancel.sid)).toMatchObject({ keyword: "stop", matchedRule: "keyword:CANCEL", outcome: null, taskId: null });
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeInstanceOf(Date);
    expect((await taskRow(task.id))?.completedAt).toBeNull();
    // Opted out, their texts are off: DONE from the number now changes nothing.
    expect((await text(user.phone, "DONE")).replies).toEqual([]);
    expect((await taskRow(task.id))?.completedAt).toBeNull();

    const { user: second } = await remindedUser("Pay rent");
    const plain = await text(second.phone, "please stop texting me");
    expect(plain.replies).toEqual([expect.stringMatching(/^BuildOS SMS: You are unsubscribed/)]);
    expect(await inboundRow(plain.sid)).toMatchObject({ keyword: "stop", matchedRule: "phrase:keyword_first" });
    expect((await preferencesOf(handle.db, second.id)).optOutSource).toBe("keyword");
  });

  it("a number shared by two users acts for the user whose reminder it answers", async () => {
    const phone = nextPhone();
    const ana = await createSmsUser(handle.db, phone, { timeZone: "UTC", quietHoursEnabled: false, reminderLeadMinutes: 1440 });
    const ben = await createSmsUser(handle.db, phone, { timeZone: "UTC", quietHoursEnabled: false, reminderLeadMinutes: 1440 });
    const { task: anaTask } = await addReminded(ana.id, "Ana's task");
    const { task: benTask, reminder: benReminder } = await addReminded(ben.id, "Ben's task");
    expect(benReminder.replyRef).toBe(2);
    const { sid } = await text(phone, "done 2");
    expect(await inboundRow(sid)).toMatchObject({ userId: ben.id, outcome: "completed", taskId: benTask.id });
    expect((await taskRow(benTask.id))?.completedVia).toBe("text");
    expect((await taskRow(anaTask.id))?.completedAt).toBeNull();
  });

  it("with Act on my replies off, DONE changes nothing and says how to turn it on", async () => {
    const { user, task } = await remindedUser("Call Ana", { prefs: { actOnReplies: false } });
    expect((await remindersOfTask(handle.db, task.id))[0]!.body).toMatch(/Open BuildOS to mark it done\.$/);
    expect((await text(user.phone, "DONE")).replies).toEqual([expect.stringMatching(/Turn on Act on my replies/)]);
    expect((await taskRow(task.id))?.completedAt).toBeNull();
  });

  it("a snooze the request path refuses (task reminders switched off since) says so, and is recorded as refused, not as misunderstood", async () => {
    const { user, task } = await remindedUser("Fix the gate", { dueIn: 600 });
    await handle.db.update(userSmsPreferences).set({ taskReminders: false }).where(eq(userSmsPreferences.userId, user.id));
    const { replies, sid } = await text(user.phone, "SNOOZE 2H");
    expect(replies).toEqual(["Could not snooze Fix the gate: task reminders are off or texts cannot reach you."]);
    expect(await inboundRow(sid)).toMatchObject({ outcome: "snooze_refused", taskId: task.id, createdMessageId: null });
  });

  it("SNOOZE on a task already past due gets a plain answer; a deleted task too", async () => {
    const { user, task } = await remindedUser("Old thing");
    await handle.db.update(tasks).set({ dueAt: new Date(Date.now() - MINUTE) }).where(eq(tasks.id, task.id));
    expect((await text(user.phone, "snooze")).replies).toEqual([expect.stringMatching(/^Old thing was due at .*, so there is nothing to snooze\./)]);
    await handle.db.delete(tasks).where(and(eq(tasks.id, task.id)));
    expect((await text(user.phone, "done")).replies).toEqual(["That task was deleted, so there is nothing to do."]);
  });

  it("history, tasks and the admin view show each reply and what it did; replies are the user's own", async () => {
    const { user, task } = await remindedUser("Call Ana");
    await text(user.phone, "DONE");
    await text(user.phone, "HELP");
    const session = { id: user.id, email: user.email, name: user.name, role: "user" as const };
    const asUser = callerFor(handle.db, session);
    expect(await asUser.messages.replies()).toEqual([
      expect.objectContaining({ body: "HELP", did: "Answered with help.", answer: expect.stringMatching(/^BuildOS SMS:/) }),
      expect.objectContaining({ body: "DONE", did: 'Completed "Call Ana".', answer: "Done: Call Ana." }),
    ]);
    const listed = (await asUser.tasks.list()).items.find((t) => t.id === task.id);
    expect(listed).toMatchObject({ completedVia: "text" });

    const stranger = await createUser(handle.db);
    expect(await callerFor(handle.db, { id: stranger.id, email: stranger.email, name: stranger.name, role: "user" }).messages.replies()).toEqual([]);
    await expect(callerFor(handle.db, session).admin.userConversation({ userId: user.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const root = await createUser(handle.db, { role: "admin" });
    const conversation = await callerFor(handle.db, { id: root.id, email: root.email, name: root.name, role: "admin" }).admin.userConversation({ userId: user.id });
    expect(conversation.items.map((i) => [i.direction, i.body.slice(0, 12), "did" in i ? i.did : i.status])).toEqual([
      ["to_user", "BuildOS: Cal", "sent"],
      ["from_user", "DONE", 'Completed "Call Ana".'],
      ["from_user", "HELP", "Answered with help."],
    ]);
  });

  it("settings: Act on my replies is on by default; a snooze length outside 5 minutes to 24 hours is refused by field", async () => {
    const fresh = await createUser(handle.db);
    const caller = callerFor(handle.db, { id: fresh.id, email: fresh.email, name: fresh.name, role: "user" });
    expect(await caller.preferences.get()).toMatchObject({ actOnReplies: true, snoozeMinutes: 60 });
    await expect(caller.preferences.update({ snoozeMinutes: 2 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await caller.preferences.update({ actOnReplies: false, snoozeMinutes: 30 })).toMatchObject({ actOnReplies: false, snoozeMinutes: 30 });
  });
});
