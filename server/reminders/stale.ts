import { sql, type SQL } from "drizzle-orm";

/** The reasons a task reminder goes stale before it leaves (values of `sms_skip_reason`). */
export const STALE_REMINDER_REASONS = ["task_done", "task_moved", "task_deleted"] as const;
export type StaleReminderReason = (typeof STALE_REMINDER_REASONS)[number];

const identifier = /^[a-z_][a-z0-9_]*$/;

/** The alias as SQL: only a plain lower-case identifier is accepted, so nothing else reaches the statement. */
function column(messageAlias: string, name: string): SQL {
  if (!identifier.test(messageAlias)) throw new Error(`not a table alias: ${messageAlias}`);
  return sql.raw(`${messageAlias}.${name}`);
}

/**
 * Why the task reminder in the row `messageAlias` of sms_messages must not be sent any more, as
 * an `sms_skip_reason`, or SQL NULL when it may go (not a task reminder, or its task unchanged):
 * - `task_deleted`: its task is gone;
 * - `task_done`: its task was completed;
 * - `task_moved`: its task is now due at another time than the reminder was made for (the
 *   reminder sweep makes one for the new time; a SNOOZE's reminder keeps the due time it snoozed).
 * One primary-key probe of `tasks`. The send path checks it when it claims a text; the task
 * service cancels held reminders with the same reasons when a task changes (server/reminders/cancel.ts).
 */
export function reminderStaleReasonSql(messageAlias: string): SQL {
  const taskId = column(messageAlias, "task_id");
  const dueAt = column(messageAlias, "task_due_at");
  return sql`(case when ${taskId} is null then null else coalesce(
    (select case when t.completed_at is not null then 'task_done'
                 when t.due_at is distinct from ${dueAt} then 'task_moved' end
     from tasks t where t.id = ${taskId}),
    case when not exists (select 1 from tasks t where t.id = ${taskId}) then 'task_deleted' end) end)::sms_skip_reason`;
}

/** True when the task reminder in the row `messageAlias` is stale (see reminderStaleReasonSql). */
export function reminderStaleSql(messageAlias: string): SQL {
  return sql`(${reminderStaleReasonSql(messageAlias)} is not null)`;
}
