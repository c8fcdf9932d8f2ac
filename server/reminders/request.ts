import type { ServiceContext, SystemActor } from "../service-context";
import { requestSmsBatch, type SmsRequest } from "../sms/request";
import { dueRemindersPage, type DueReminder, type ReminderCursor } from "./sweep";
import { reminderVariables } from "./text";

export interface ReminderPageResult {
  next: ReminderCursor | null;
  counts: { due: number; created: number; existing: number };
}

/** The text a due task gets: valid until the task is due, so it never arrives after it. */
export function reminderRequest(reminder: DueReminder, now: Date): SmsRequest {
  return {
    userId: reminder.userId,
    templateKey: "task_reminder",
    variables: reminderVariables(reminder, reminder.timeZone, now),
    dedupeKey: reminder.dedupeKey,
    validUntil: reminder.dueAt,
  };
}

/** One page of the task-reminder sweep, requested as one batch (one insert, one event send). */
export async function requestDueReminders(
  ctx: ServiceContext<SystemActor>,
  { now, after, limit }: { now: Date; after: ReminderCursor | null; limit: number },
): Promise<ReminderPageResult> {
  const due = await dueRemindersPage(ctx.db, { now, after, limit });
  const { created, existing } = due.length > 0 ? await requestSmsBatch(ctx, due.map((r) => reminderRequest(r, now))) : { created: 0, existing: 0 };
  return {
    next: due.length < limit ? null : due.at(-1)!.cursor,
    counts: { due: due.length, created, existing },
  };
}
