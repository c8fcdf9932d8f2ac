import type { ServiceContext, SystemActor } from "../service-context";
import { requestSmsBatch, type SmsRequest } from "../sms/request";
import { nextFreeRef, refsInUse } from "./open";
import { dueRemindersPage, type DueReminder, type ReminderCursor } from "./sweep";
import { reminderVariables } from "./text";

export interface ReminderPageResult {
  next: ReminderCursor | null;
  counts: { due: number; created: number; existing: number };
}

/**
 * The text a due task gets: valid until the task is due, so it never arrives after it; tied to
 * the task and its due time (cancelled if either changes first), with its reply reference.
 */
function reminderRequest(reminder: DueReminder, replyRef: number, now: Date): SmsRequest {
  return {
    userId: reminder.userId,
    templateKey: "task_reminder",
    variables: reminderVariables(reminder, reminder.timeZone, now, { replyRef, actOnReplies: reminder.actOnReplies }),
    dedupeKey: reminder.dedupeKey,
    validUntil: reminder.dueAt,
    reminder: { taskId: reminder.taskId, taskDueAt: reminder.dueAt, replyRef },
  };
}

/** One page of the task-reminder sweep, requested as one batch (one insert, one event send). */
export async function requestDueReminders(
  ctx: ServiceContext<SystemActor>,
  { now, after, limit }: { now: Date; after: ReminderCursor | null; limit: number },
): Promise<ReminderPageResult> {
  const due = await dueRemindersPage(ctx.db, { now, after, limit });
  let counts = { created: 0, existing: 0 };
  if (due.length > 0) {
    // Each reminder takes the smallest reference free on its number, counting the page's own.
    const used = await refsInUse(ctx.db, due.map((r) => r.phone), now);
    const requests = due.map((reminder) => {
      const taken = used.get(reminder.phone) ?? new Set<number>();
      const ref = nextFreeRef(taken);
      used.set(reminder.phone, taken.add(ref));
      return reminderRequest(reminder, ref, now);
    });
    counts = await requestSmsBatch(ctx, requests);
  }
  return {
    next: due.length < limit ? null : due.at(-1)!.cursor,
    counts: { due: due.length, ...counts },
  };
}
