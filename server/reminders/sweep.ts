import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { column, queryRows } from "@/db/raw-rows";
import { REMINDER_LEAD_MINUTES } from "@/common/limits";
import { reachableRecipient } from "../sms/recipients";

/** Where the last page ended: the sweep walks open tasks in (due_at, id) order. */
export interface ReminderCursor {
  dueAt: string;
  id: string;
}

export interface DueReminder {
  taskId: string;
  userId: string;
  title: string;
  project: string;
  dueAt: Date;
  timeZone: string;
  phone: string;
  actOnReplies: boolean;
  dedupeKey: string;
  cursor: ReminderCursor;
}

const reminderRow = z.object({
  task_id: z.string(),
  user_id: z.string(),
  title: z.string(),
  project: z.string(),
  due_at: column.timestamp,
  /** due_at as PostgreSQL prints it, full precision, for the cursor. */
  due_at_key: z.string(),
  time_zone: z.string(),
  phone: z.string(),
  act_on_replies: z.boolean(),
  dedupe_key: z.string(),
});

/**
 * The dedupe key of a task's reminder: per task and due time, so a repeated or late tick finds
 * the reminder already there, and a rescheduled task gets a new one. Built in SQL only (the
 * sweep also uses it to skip reminders that exist), so the two can never disagree.
 */
const reminderKey = sql.raw(
  `'task_reminder:' || t.id || ':' || to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
);

/**
 * One page of reminders due now: open tasks due after `now` and within their owner's lead time,
 * for users who take task reminders and can be texted, without a reminder yet. Index-backed:
 * a range scan of `tasks_open_due_idx` over the longest possible lead, in keyset order.
 */
export async function dueRemindersPage(
  db: DbOrTx,
  { now, after, limit }: { now: Date; after: ReminderCursor | null; limit: number },
): Promise<DueReminder[]> {
  const at = now.toISOString();
  const rows = await queryRows(
    db,
    sql`
    select t.id as task_id, t.user_id, t.title, t.project, t.due_at, t.due_at::text as due_at_key, p.time_zone, p.phone, p.act_on_replies, ${reminderKey} as dedupe_key
    from tasks t
    join user_sms_preferences p on p.user_id = t.user_id
    where t.completed_at is null and t.due_at is not null
      and t.due_at > ${at}::timestamptz
      and t.due_at <= ${at}::timestamptz + make_interval(mins => ${REMINDER_LEAD_MINUTES.max}::int)
      ${after ? sql`and (t.due_at, t.id) > (${after.dueAt}::timestamptz, ${after.id}::uuid)` : sql``}
      and t.due_at <= ${at}::timestamptz + make_interval(mins => p.reminder_lead_minutes)
      and p.task_reminders and ${reachableRecipient("p")}
      and not exists (select 1 from sms_messages m where m.dedupe_key = ${reminderKey})
    order by t.due_at, t.id
    limit ${limit}`,
    reminderRow,
  );
  return rows.map((r) => ({
    taskId: r.task_id,
    userId: r.user_id,
    title: r.title,
    project: r.project,
    dueAt: r.due_at,
    timeZone: r.time_zone,
    phone: r.phone,
    actOnReplies: r.act_on_replies,
    dedupeKey: r.dedupe_key,
    cursor: { dueAt: r.due_at_key, id: r.task_id },
  }));
}
