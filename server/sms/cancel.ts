import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/raw-rows";
import { smsStatus } from "@/db/schema";
import { DomainError } from "../errors";
import { smsCancelledEvent } from "../jobs/definitions";
import type { ServiceContext } from "../service-context";
import { eventSourceOf } from "./message-events";
import type { SmsStatus } from "./status-rank";

/** The statuses a text can be cancelled from: it has not been handed to Twilio. */
export const CANCELLABLE_STATUSES = ["pending", "scheduled", "queued"] as const satisfies readonly SmsStatus[];

/**
 * Cancels a text that has not been handed to Twilio (pending, scheduled or queued): one
 * conditional update, so it either wins over the send or finds the text already sending. The
 * run holding the text is stopped by the cancel event; if it woke meanwhile, its own conditional
 * updates (and dispatch's claim, `WHERE status = 'queued'`) find the row cancelled and send nothing.
 * A user may cancel only their own texts (another user's is simply not found). Cancelling a
 * cancelled text again changes nothing; any later status is a CONFLICT.
 */
export async function cancelMessage(
  ctx: ServiceContext,
  messageId: string,
): Promise<{ messageId: string; status: "cancelled"; changed: boolean }> {
  const owner = ctx.actor.type === "user" ? ctx.actor.userId : null;
  const at = new Date().toISOString();
  const [row] = await queryRows(
    ctx.db,
    sql`
    with target as (
      select id, status from sms_messages
      where id = ${messageId}::uuid and (${owner}::text is null or user_id = ${owner}::text)
    ),
    cancelled as (
      update sms_messages m set status = 'cancelled', held_until = null, hold_reason = null, updated_at = ${at}::timestamptz
      from target t
      where m.id = t.id and m.status in (${sql.join(CANCELLABLE_STATUSES.map((s) => sql`${s}::sms_status`), sql`, `)})
      returning m.id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, created_at)
      select id, 'cancelled', ${eventSourceOf(ctx.actor)}::sms_event_source, true, ${at}::timestamptz from cancelled
    )
    select exists (select 1 from cancelled) as cancelled, (select status from target) as status`,
    z.object({ cancelled: z.boolean(), status: z.enum(smsStatus.enumValues).nullable() }),
  );
  if (row?.cancelled) {
    await smsCancelledEvent.trigger(ctx.jobs, { messageId });
    return { messageId, status: "cancelled", changed: true };
  }
  if (!row?.status) throw new DomainError("NOT_FOUND", "Message not found");
  if (row.status === "cancelled") return { messageId, status: "cancelled", changed: false };
  throw new DomainError("CONFLICT", `This text is already ${row.status}; only a pending, scheduled or queued text can be cancelled`);
}
