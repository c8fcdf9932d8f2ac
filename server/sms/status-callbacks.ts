import { preparedRows, type Db } from "@/db/client";
import type { StatusCallback } from "./provider";
import { STATUS_RANK, statusFromTwilio, type SmsStatus } from "./status";

export type CallbackOutcome =
  | { result: "applied"; messageId: string; status: SmsStatus }
  | { result: "recorded"; messageId: string; status: SmsStatus } // kept as an event, did not move the message
  | { result: "duplicate"; messageId: string; status: SmsStatus }
  | { result: "unknown_message" }
  | { result: "ignored" };

const rankOf = (column: string) =>
  `(case ${column} ${Object.entries(STATUS_RANK)
    .map(([status, rank]) => `when '${status}' then ${rank}`)
    .join(" ")} end)`;

/**
 * One statement per callback, prepared once per connection (this is the webhook hot path).
 * The rank test sits in the UPDATE's own WHERE, so under concurrency PostgreSQL re-checks
 * it against the newest row version: a late `sent` can never overwrite `delivered`.
 * $1 sid · $2 status · $3 rank · $4 now · $5 error code · $6 error reason · $7 price
 * $8 price unit · $9 Twilio's status word · $10 payload JSON · $11 our message id.
 */
function applyStatement(target: string) {
  return `
  with moved as (
    update sms_messages m set
      status = $2::sms_status,
      twilio_sid = coalesce(m.twilio_sid, $1::text),
      sent_at = case when $2::text in ('sent', 'delivered', 'undelivered') then coalesce(m.sent_at, $4::timestamptz) else m.sent_at end,
      delivered_at = case when $2::text = 'delivered' then coalesce(m.delivered_at, $4::timestamptz) else m.delivered_at end,
      error_code = coalesce($5::int, m.error_code),
      error_message = coalesce($6::text, m.error_message),
      fail_reason = case when $2::text in ('failed', 'undelivered') then coalesce($6::text, m.fail_reason) else m.fail_reason end,
      price = coalesce($7::numeric, m.price),
      price_unit = coalesce($8::text, m.price_unit),
      updated_at = $4::timestamptz
    where ${target} and ${rankOf("m.status")} < $3::int
    returning m.id
  ),
  target as (
    select m.id from sms_messages m where ${target} limit 1
  ),
  event as (
    insert into sms_message_events (message_id, status, source, applied, error_code, payload, created_at)
    select target.id, $9::text, 'callback', exists (select 1 from moved), $5::int, $10::jsonb, $4::timestamptz
    from target
    on conflict (message_id, status) do nothing
    returning id
  )
  select target.id as message_id,
         exists (select 1 from moved) as applied,
         exists (select 1 from event) as inserted
  from target`;
}

const BY_SID = applyStatement("m.twilio_sid = $1::text and $11::uuid is null");
// Our id travels in the signed callback URL, so a callback that beats the API response still finds its row.
const BY_ID = applyStatement("m.id = $11::uuid and (m.twilio_sid is null or m.twilio_sid = $1::text)");

/**
 * Applies one status callback: moves the message forward only if the status ranks higher,
 * and keeps the callback as an event (unique per message and status, so duplicates are absorbed).
 */
export async function applyStatusCallback(
  db: Db,
  input: { callback: StatusCallback; messageId?: string; payload: Record<string, string>; receivedAt?: Date },
): Promise<CallbackOutcome> {
  const status = statusFromTwilio(input.callback.status);
  if (!status) return { result: "ignored" };
  const { messageSid, errorCode, errorReason } = input.callback;
  const rows = await preparedRows<{ message_id: string; applied: boolean; inserted: boolean }>(
    db,
    input.messageId ? BY_ID : BY_SID,
    [
      messageSid,
      status,
      STATUS_RANK[status],
      (input.receivedAt ?? new Date()).toISOString(),
      errorCode,
      errorReason,
      input.payload.Price ?? null,
      input.payload.PriceUnit ?? null,
      input.callback.status,
      JSON.stringify(input.payload),
      input.messageId ?? null,
    ],
  );
  const row = rows[0];
  if (!row) return { result: "unknown_message" };
  const messageId = row.message_id;
  if (row.applied) return { result: "applied", messageId, status };
  return { result: row.inserted ? "recorded" : "duplicate", messageId, status };
}
