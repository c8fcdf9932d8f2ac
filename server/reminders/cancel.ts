import { sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsCancelledEvent } from "../jobs/definitions";
import type { JobSender } from "../jobs/define";
import type { Actor } from "../service-context";
import { CANCELLABLE_STATUSES } from "../sms/cancel";
import { eventSourceOf } from "../sms/message-events";
import { reminderStaleReasonSql } from "./stale";

/**
 * Cancels the task's reminders that have not left yet (pending, scheduled or queued) and are
 * stale now that the task changed: completed (`task_done`), deleted (`task_deleted`) or due at
 * another time (`task_moved`; the reminder sweep makes the one for the new time). The reason is
 * the stale rule's own (server/reminders/stale.ts), so a reminder for the task's current due time
 * stays. One statement, with each cancellation's event; call it in the transaction that changed
 * the task, then `stopCancelledRuns` once it committed.
 */
export async function cancelStaleReminders(db: DbOrTx, actor: Actor, taskId: string, at: Date): Promise<string[]> {
  const rows = await executeRows<{ id: string }>(
    db,
    sql`
    with stale as (
      select m.id, ${reminderStaleReasonSql("m")} as reason from sms_messages m
      where m.task_id = ${taskId}::uuid
        and m.status in (${sql.join(CANCELLABLE_STATUSES.map((s) => sql`${s}::sms_status`), sql`, `)})
    ),
    cancelled as (
      update sms_messages m set status = 'cancelled', skip_reason = s.reason, held_until = null, hold_reason = null,
        updated_at = ${at.toISOString()}::timestamptz
      from stale s
      where m.id = s.id and s.reason is not null
        and m.status in (${sql.join(CANCELLABLE_STATUSES.map((s) => sql`${s}::sms_status`), sql`, `)})
      returning m.id, m.skip_reason
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, payload, created_at)
      select id, 'cancelled', ${eventSourceOf(actor)}::sms_event_source, true, jsonb_build_object('reason', skip_reason),
        ${at.toISOString()}::timestamptz
      from cancelled
    )
    select id from cancelled`,
  );
  return rows.map((r) => r.id);
}

/** Stops the durable runs holding messages that were just cancelled (after the cancelling transaction committed). */
export async function stopCancelledRuns(jobs: JobSender, messageIds: string[]) {
  if (messageIds.length === 0) return;
  await smsCancelledEvent.triggerMany(
    jobs,
    messageIds.map((messageId) => ({ data: { messageId } })),
  );
}
