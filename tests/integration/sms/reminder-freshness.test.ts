import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, type DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages, tasks } from "@/db/schema";
import { reminderStaleReasonSql, reminderStaleSql } from "@/server/reminders/stale";
import { systemContext, type ServiceContext, type UserActor } from "@/server/service-context";
import { advanceMessage } from "@/server/sms/send-pipeline";
import { clockTime } from "@/server/tasks/display";
import { completeTask, deleteTask, updateTask } from "@/server/tasks/service";
import { addTask, seedTemplates, userWith } from "../../helpers/crons";
import { createMessage } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { remindersOfTask, sweepReminders, utcClock } from "../../helpers/reminders";
import { testDatabases } from "../../helpers/test-db";

const MINUTE = 60_000;
const later = (minutes: number) => new Date(Date.now() + minutes * MINUTE);

describe.each(testDatabases())("fresh reminders on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
  });
  afterAll(() => handle?.drop());

  const asUser = (userId: string, jobs = recordingJobs()): ServiceContext<UserActor> & { jobs: typeof jobs } => ({
    db: handle.db,
    actor: { type: "user", userId },
    jobs,
  });

  describe("reminderStaleSql / reminderStaleReasonSql", () => {
    it("says which reminders must not leave any more, and why", async () => {
      const user = await userWith(handle.db);
      const due = later(300);
      const fresh = await addTask(handle.db, user.id, { title: "Fresh", dueAt: due });
      const done = await addTask(handle.db, user.id, { title: "Done", dueAt: due, completedAt: new Date() });
      const moved = await addTask(handle.db, user.id, { title: "Moved", dueAt: later(400) });
      const deletedTaskId = crypto.randomUUID();
      const message = (taskId: string | null, taskDueAt: Date | null) => createMessage(handle.db, user.id, { taskId, taskDueAt });
      const rows = {
        fresh: await message(fresh.id, due),
        done: await message(done.id, due),
        moved: await message(moved.id, due),
        deleted: await message(deletedTaskId, due),
        notAReminder: await message(null, null),
      };
      const ids = Object.values(rows).map((m) => m.id);
      const read = await executeRows<{ id: string; reason: string | null; stale: boolean }>(
        handle.db,
        sql`select m.id, ${reminderStaleReasonSql("m")} as reason, ${reminderStaleSql("m")} as stale
            from sms_messages m where m.id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
      );
      const byId = new Map(read.map((r) => [r.id, [r.reason, r.stale]]));
      expect(Object.fromEntries(Object.entries(rows).map(([name, m]) => [name, byId.get(m.id)]))).toEqual({
        fresh: [null, false],
        done: ["task_done", true],
        moved: ["task_moved", true],
        deleted: ["task_deleted", true],
        notAReminder: [null, false],
      });
    });

    it("works unaliased inside a claim, as the send path uses it (a stale reminder is not claimed, and is cancelled with its reason)", async () => {
      const user = await userWith(handle.db);
      const due = later(300);
      const task = await addTask(handle.db, user.id, { title: "Claim me", dueAt: due });
      const queued = await createMessage(handle.db, user.id, { taskId: task.id, taskDueAt: due, status: "queued" });
      const claim = () =>
        executeRows<{ id: string }>(
          handle.db,
          sql`update sms_messages set status = 'sending' where id = ${queued.id}::uuid and status = 'queued'
              and not ${reminderStaleSql("sms_messages")} returning id`,
        );
      await handle.db.update(tasks).set({ completedAt: new Date() }).where(eq(tasks.id, task.id));
      expect(await claim()).toEqual([]);
      await executeRows(
        handle.db,
        sql`update sms_messages set status = 'cancelled', skip_reason = ${reminderStaleReasonSql("sms_messages")}
            where id = ${queued.id}::uuid and status = 'queued' and ${reminderStaleSql("sms_messages")}`,
      );
      const [row] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, queued.id));
      expect(row).toMatchObject({ status: "cancelled", skipReason: "task_done" });
    });

    it("refuses anything but a plain alias", () => {
      expect(() => reminderStaleSql("m; drop table tasks")).toThrow(/not a table alias/);
    });
  });

  /** A reminder held through quiet hours: the user's quiet hours cover now, the task is due after they end. */
  async function heldReminder() {
    const user = await userWith(handle.db, {
      timeZone: "UTC",
      quietHoursEnabled: true,
      quietHoursStart: utcClock(new Date(), -60),
      quietHoursEnd: utcClock(new Date(), 120),
      reminderLeadMinutes: 1440,
    });
    const task = await addTask(handle.db, user.id, { title: "Call Ana", dueAt: later(300) });
    const jobs = recordingJobs();
    await sweepReminders(handle.db, jobs);
    const [reminder] = await remindersOfTask(handle.db, task.id);
    const step = await advanceMessage(systemContext(handle.db, jobs, "test"), reminder!.id, new Date());
    expect(step).toMatchObject({ next: "wait", why: "quiet_hours" });
    const [held] = await remindersOfTask(handle.db, task.id);
    expect(held).toMatchObject({ status: "scheduled", holdReason: "quiet_hours", taskId: task.id, taskDueAt: task.dueAt });
    return { user, task, reminder: held! };
  }

  const eventsOf = (messageId: string) =>
    handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, messageId)).orderBy(smsMessageEvents.id);

  it("completing a task cancels its reminder held through quiet hours (task_done) and stops its run", async () => {
    const { user, task, reminder } = await heldReminder();
    const ctx = asUser(user.id);
    await completeTask(ctx, task.id);
    const [after] = await remindersOfTask(handle.db, task.id);
    expect(after).toMatchObject({ id: reminder.id, status: "cancelled", skipReason: "task_done", heldUntil: null });
    expect((await eventsOf(reminder.id)).at(-1)).toMatchObject({ status: "cancelled", source: "api", payload: { reason: "task_done" } });
    expect(ctx.jobs.sent).toEqual([expect.objectContaining({ name: "sms/message.cancelled", data: { messageId: reminder.id } })]);
  });

  it("rescheduling replaces the held reminder: the old one cancelled (task_moved), one reminder for the new time", async () => {
    const { user, task, reminder } = await heldReminder();
    const newDue = later(360);
    await updateTask(asUser(user.id), { id: task.id, dueAt: newDue });
    await updateTask(asUser(user.id), { id: task.id, title: "Call Ana back" }); // a title change cancels nothing
    await sweepReminders(handle.db, recordingJobs());
    await sweepReminders(handle.db, recordingJobs()); // a second tick adds nothing
    const all = await remindersOfTask(handle.db, task.id);
    expect(all.map((m) => [m.status, m.skipReason, m.taskDueAt?.toISOString()])).toEqual([
      ["cancelled", "task_moved", task.dueAt!.toISOString()],
      ["pending", null, newDue.toISOString()],
    ]);
    expect(all[0]!.id).toBe(reminder.id);
    // "tomorrow" when six hours on is past midnight UTC
    expect(all[1]!.body).toMatch(new RegExp(`^BuildOS: Call Ana back is due (tomorrow )?at ${clockTime(newDue, "UTC")}`));
  });

  it("deleting a task cancels its held reminder (task_deleted), and a sent reminder is left as it was", async () => {
    const { user, task, reminder } = await heldReminder();
    const sent = await createMessage(handle.db, user.id, { taskId: task.id, taskDueAt: task.dueAt, status: "sent" });
    await deleteTask(asUser(user.id), task.id);
    const statuses = new Map((await remindersOfTask(handle.db, task.id)).map((m) => [m.id, [m.status, m.skipReason]]));
    expect(statuses.get(reminder.id)).toEqual(["cancelled", "task_deleted"]);
    expect(statuses.get(sent.id)).toEqual(["sent", null]);
  });

  it("another user cannot complete, move or delete the task (and its reminder stays)", async () => {
    const { task, reminder } = await heldReminder();
    const stranger = await userWith(handle.db);
    await expect(completeTask(asUser(stranger.id), task.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteTask(asUser(stranger.id), task.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateTask(asUser(stranger.id), { id: task.id, dueAt: later(500) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const [after] = await remindersOfTask(handle.db, task.id);
    expect(after).toMatchObject({ id: reminder.id, status: "scheduled" });
  });
});
