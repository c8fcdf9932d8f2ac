import { and, eq, isNotNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { smsMessages } from "@/db/schema";
import { requestDueReminders } from "@/server/reminders/request";
import type { ReminderCursor } from "@/server/reminders/sweep";
import { systemContext } from "@/server/service-context";
import type { JobSender } from "@/server/jobs/define";

/** Runs the task-reminder sweep once at `now` (every page), as the cron does. */
export async function sweepReminders(db: DbOrTx, jobs: JobSender, now = new Date()) {
  const ctx = systemContext(db, jobs, "test");
  let after: ReminderCursor | null = null;
  do after = (await requestDueReminders(ctx, { now, after, limit: 100 })).next;
  while (after);
}

/** Marks a task's reminders as handed to Twilio (what the send pipeline would have done). */
export async function markRemindersSent(db: DbOrTx, taskId: string, at = new Date()) {
  const rows = await db
    .update(smsMessages)
    .set({ status: "sent", sentAt: at, twilioSid: `SM${crypto.randomUUID().replace(/-/g, "")}` })
    .where(and(eq(smsMessages.taskId, taskId), eq(smsMessages.status, "pending")))
    .returning();
  if (rows.length === 0) throw new Error(`no pending reminder for task ${taskId}`);
  return rows;
}

/** Every reminder of a task, oldest first. */
export function remindersOfTask(db: DbOrTx, taskId: string) {
  return db.select().from(smsMessages).where(and(eq(smsMessages.taskId, taskId), isNotNull(smsMessages.taskId))).orderBy(smsMessages.createdAt);
}

/** "HH:MM" in UTC, `minutes` from `at` (for quiet hours around the real clock). */
export function utcClock(at: Date, minutes: number): string {
  return new Date(at.getTime() + minutes * 60_000).toISOString().slice(11, 16);
}
