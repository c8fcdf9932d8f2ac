import { sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import type { StatusCallback } from "./provider";
import { STATUS_RANK, statusFromTwilio, statusRankSql, type SmsStatus } from "./status";

export type CallbackOutcome =
  | { result: "applied"; messageId: string; status: SmsStatus }
  | { result: "recorded"; messageId: string; status: SmsStatus } // kept as an event, did not move the message
  | { result: "duplicate"; messageId: string; status: SmsStatus }
  | { result: "unknown_message" }
  | { result: "ignored" };

/**
 * Applies one status callback in a single statement: find the message (by our id from the
 * callback URL, else by SID), move it forward only if the status ranks higher, and keep the
 * callback as an event (unique per message and status, so duplicates are absorbed).
 */
export async function applyStatusCallback(
  db: DbOrTx,
  input: { callback: StatusCallback; messageId?: string; payload: Record<string, string>; receivedAt?: Date },
): Promise<CallbackOutcome> {
  const status = statusFromTwilio(input.callback.status);
  if (!status) return { result: "ignored" };
  const now = input.receivedAt ?? new Date();
  const { messageSid, errorCode, errorReason } = input.callback;
  const price = input.payload.Price ?? null;
  const priceUnit = input.payload.PriceUnit ?? null;
  const target = input.messageId
    ? sql`m.id = ${input.messageId}::uuid and (m.twilio_sid is null or m.twilio_sid = ${messageSid})`
    : sql`m.twilio_sid = ${messageSid}`;

  const newStatus = sql`${status}::text`;
  // ISO strings, not Dates: drizzle's postgres.js driver passes raw-SQL parameters unserialized.
  const nowIso = now.toISOString();
  const rows = await executeRows<{ message_id: string; applied: boolean; inserted: boolean }>(
    db,
    sql`
    with target as (
      select m.id, m.status from sms_messages m where ${target} limit 1 for update
    ),
    moved as (
      update sms_messages m set
        status = ${status}::sms_status,
        twilio_sid = coalesce(m.twilio_sid, ${messageSid}::text),
        sent_at = case when ${newStatus} in ('sent', 'delivered', 'undelivered') then coalesce(m.sent_at, ${nowIso}::timestamptz) else m.sent_at end,
        delivered_at = case when ${newStatus} = 'delivered' then coalesce(m.delivered_at, ${nowIso}::timestamptz) else m.delivered_at end,
        error_code = coalesce(${errorCode}::int, m.error_code),
        error_message = coalesce(${errorReason}::text, m.error_message),
        fail_reason = case when ${newStatus} in ('failed', 'undelivered') then coalesce(${errorReason}::text, m.fail_reason) else m.fail_reason end,
        price = coalesce(${price}::numeric, m.price),
        price_unit = coalesce(${priceUnit}::text, m.price_unit),
        updated_at = ${nowIso}::timestamptz
      from target
      where m.id = target.id and ${statusRankSql(sql`target.status`)} < ${STATUS_RANK[status]}
      returning m.id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, error_code, payload, created_at)
      select target.id, ${input.callback.status}::text, 'callback', exists (select 1 from moved), ${errorCode}::int,
             ${JSON.stringify(input.payload)}::jsonb, ${nowIso}::timestamptz
      from target
      on conflict (message_id, status) do nothing
      returning id
    )
    select target.id as message_id,
           exists (select 1 from moved) as applied,
           exists (select 1 from event) as inserted
    from target`,
  );
  const row = rows[0];
  if (!row) return { result: "unknown_message" };
  const messageId = row.message_id;
  if (row.applied) return { result: "applied", messageId, status };
  return { result: row.inserted ? "recorded" : "duplicate", messageId, status };
}
