import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw-rows";
import { smsStatus } from "@/db/schema";
import { smsCancelledEvent } from "../jobs/definitions";
import type { JobSender } from "../jobs/define";
import type { Actor } from "../service-context";
import { CANCELLABLE_STATUSES } from "../sms/cancel-statuses";
import { eventSourceOf } from "../sms/message-events";
import { withdrawFromDigest } from "../sms/digest/withdraw";
import { endUnsent } from "../sms/end-unsent";
import { reminderStaleReasonSql, STALE_REMINDER_REASONS } from "./stale";

/**
 * Cancels the task's reminders that have not left yet (pending, scheduled or queued) and are
 * stale now that the task changed: completed (`task_done`), deleted (`task_deleted`) or due at
 * another time (`task_moved`; the reminder sweep makes the one for the new time). The reason is
 * the stale rule's own (server/reminders/stale.ts), so a reminder for the task's current due time
 * stays. Each goes through endUnsent, so a queued one gives back its daily-cap slot with its
 * event; one waiting inside a digest that has not left is taken out of it. Call it in the transaction that changed the task, then `stopCancelledRuns` once it
 * committed.
 */
export async function cancelStaleReminders(db: DbOrTx, actor: Actor, taskId: string, at: Date): Promise<string[]> {
  const stale = await queryRows(
    db,
    sql`
    select m.id, m.status, ${reminderStaleReasonSql("m")} as reason from sms_messages m
    where m.task_id = ${taskId}::uuid
      and m.status in (${sql.join([...CANCELLABLE_STATUSES, "merged"].map((s) => sql`${s}::sms_status`), sql`, `)})`,
    z.object({ id: z.string(), status: z.enum(smsStatus.enumValues), reason: z.enum(STALE_REMINDER_REASONS).nullable() }),
  );
  const cancelled: string[] = [];
  for (const { id, status, reason } of stale) {
    if (!reason) continue;
    const cancel = {
      messageId: id,
      set: [sql`skip_reason = ${reason}::sms_skip_reason`, sql`held_until = null`, sql`hold_reason = null`],
      event: { status: "cancelled", source: eventSourceOf(actor), payload: { reason } },
      at,
    };
    if (status === "merged") {
      // Waiting inside a digest that has not left: taken out of it (the digest drops the item).
      const withdrawn = await withdrawFromDigest(db, cancel);
      if (withdrawn.cancelledDigestId) cancelled.push(withdrawn.cancelledDigestId);
      continue;
    }
    const ended = await endUnsent(db, { ...cancel, from: CANCELLABLE_STATUSES, to: "cancelled" });
    if (ended.changed) cancelled.push(id);
  }
  return cancelled;
}

/** Stops the durable runs holding messages that were just cancelled (after the cancelling transaction committed). */
export async function stopCancelledRuns(jobs: JobSender, messageIds: string[]) {
  if (messageIds.length === 0) return;
  await smsCancelledEvent.triggerMany(
    jobs,
    messageIds.map((messageId) => ({ data: { messageId } })),
  );
}
