import { z } from "zod";
import type { Db } from "@/db/client";
import { preparedQueryRows } from "@/db/raw-rows";
import { writerPerDb } from "./callback-writer";
import type { ServiceContext, SystemActor, WebhookActor } from "../service-context";
import { plainFailureReason } from "./error-reasons";
import type { MessageStatus, StatusCallback } from "./provider";
import { STATUS_RANK, statusFromTwilio, statusRankSqlText, type SmsStatus } from "./status-rank";

export type CallbackOutcome = (
  | { result: "applied"; messageId: string; status: SmsStatus }
  | { result: "recorded"; messageId: string; status: SmsStatus } // kept as an event, did not move the message
  | { result: "duplicate"; messageId: string; status: SmsStatus }
  | { result: "unknown_message" }
  | { result: "ignored" }
) & {
  /** Fields that could not be stored as given (kept only in the event's raw payload). */
  unusableFields?: string[];
};

const INT4_MAX = 2_147_483_647;
/** What `numeric(10, 5)` holds: up to five digits before the point. */
const PRICE = /^-?\d{1,5}(\.\d{1,10})?$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * A report's optional values that can be stored, and the names of those that cannot. A signed
 * callback with a value we cannot store (Price=abc, an ErrorCode past 32 bits) is still applied
 * and acknowledged, without that value: refusing it would make Twilio retry it forever.
 */
function storableValues(errorCode: number | null, price: string | null, priceUnit: string | null) {
  const unusable: string[] = [];
  const keep = <T>(field: string, value: T | null, ok: boolean): T | null => {
    if (value === null || ok) return value;
    unusable.push(field);
    return null;
  };
  return {
    errorCode: keep("ErrorCode", errorCode, errorCode !== null && Number.isInteger(errorCode) && errorCode >= 0 && errorCode <= INT4_MAX),
    price: keep("Price", price, PRICE.test(price ?? "")),
    priceUnit: keep("PriceUnit", priceUnit, CURRENCY.test(priceUnit ?? "")),
    unusable,
  };
}

/** One callback as the statement reads it (a JSON object per callback, `n` its place in the batch). */
interface CallbackRow {
  n: number;
  sid: string;
  message_id: string | null;
  status: SmsStatus;
  rank: number;
  at: string;
  error_code: number | null;
  error_message: string | null;
  /** Plain words for the user and admin (server/sms/error-reasons.ts). */
  fail_reason: string | null;
  price: string | null;
  price_unit: string | null;
  twilio_status: string;
  /** `callback` for Twilio's webhooks, `reconcile` for what reconciliation fetched. */
  source: StatusSource;
  payload: Record<string, unknown>;
}

/**
 * Applies a batch of callbacks in one statement, prepared once per connection (this is the
 * webhook hot path). Each callback finds its message by our id (it travels in the signed
 * callback URL, so a callback that beats the API response still finds its row) or else by SID.
 * The rank test sits in the UPDATE's own WHERE, so under concurrency PostgreSQL re-checks it
 * against the newest row version: a late `sent` can never overwrite `delivered`.
 * A batch never holds two callbacks that could reach the same message (the writer's `takeBatch`,
 * server/sms/callback-writer.ts), so each one is judged exactly as if it ran alone.
 */
const APPLY_BATCH = `
  with input as (
    select * from jsonb_to_recordset($1::jsonb) as i(
      n int, sid text, message_id uuid, status sms_status, rank int, at timestamptz, error_code int,
      error_message text, fail_reason text, price numeric, price_unit text, twilio_status text, source sms_event_source,
      payload jsonb)
  ),
  target as (
    select i.*, found.id
    from input i
    cross join lateral (
      select m.id from sms_messages m where i.message_id is null and m.twilio_sid = i.sid
      union all
      select m.id from sms_messages m where m.id = i.message_id and (m.twilio_sid is null or m.twilio_sid = i.sid)
      limit 1
    ) found
  ),
  moved as (
    update sms_messages m set
      status = t.status,
      twilio_sid = coalesce(m.twilio_sid, t.sid),
      sent_at = case when t.status in ('sent', 'delivered', 'undelivered') then coalesce(m.sent_at, t.at) else m.sent_at end,
      delivered_at = case when t.status = 'delivered' then coalesce(m.delivered_at, t.at) else m.delivered_at end,
      error_code = coalesce(t.error_code, m.error_code),
      error_message = coalesce(t.error_message, m.error_message),
      fail_reason = case when t.status in ('failed', 'undelivered') then coalesce(t.fail_reason, t.error_message, m.fail_reason) else m.fail_reason end,
      price = coalesce(t.price, m.price),
      price_unit = coalesce(t.price_unit, m.price_unit),
      updated_at = t.at
    from target t
    -- "= any(array(…))" keeps the planner on the primary key: it costs the JSON batch at 100
    -- rows and would otherwise scan a small table whole.
    where m.id = any(array(select id from target)) and m.id = t.id
      and (m.twilio_sid is null or m.twilio_sid = t.sid)
      and ${statusRankSqlText("m.status")} < t.rank
    returning m.id
  ),
  -- A report that does not move the message still carries its SID: keep it whenever the row has
  -- none (a 'queued' callback that beat our own record of Twilio's answer, then a restart), so
  -- the row always names what Twilio holds and is never taken for unsent.
  sid_kept as (
    update sms_messages m set twilio_sid = t.sid
    from target t
    where m.id = any(array(select id from target)) and m.id = t.id
      and m.twilio_sid is null
      and ${statusRankSqlText("m.status")} >= t.rank
    returning m.id
  ),
  event as (
    insert into sms_message_events (message_id, status, source, applied, error_code, payload, created_at)
    select t.id, t.twilio_status, t.source, t.id in (select id from moved), t.error_code, t.payload, t.at
    from target t
    on conflict (message_id, status) where source = 'callback' do nothing
    returning message_id
  )
  select t.n, t.id as message_id,
         t.id in (select id from moved) as applied,
         t.id in (select message_id from event) as inserted
  from target t`;

/** The statement's answer for one callback (`n` its place in the batch). */
const appliedRow = z.object({ n: z.number(), message_id: z.string(), applied: z.boolean(), inserted: z.boolean() });

/** Runs one batch (a group commit, server/sms/callback-writer.ts) and answers each callback in order. */
async function applyBatch(db: Db, batch: Omit<CallbackRow, "n">[]): Promise<CallbackOutcome[]> {
  const rows = await preparedQueryRows(db, APPLY_BATCH, [JSON.stringify(batch.map((row, n) => ({ n, ...row })))], appliedRow);
  const byPlace = new Map(rows.map((r) => [r.n, r]));
  return batch.map(({ status }, n): CallbackOutcome => {
    const row = byPlace.get(n);
    if (!row) return { result: "unknown_message" };
    if (row.applied) return { result: "applied", messageId: row.message_id, status };
    return { result: row.inserted ? "recorded" : "duplicate", messageId: row.message_id, status };
  });
}

const writerFor = writerPerDb("callback-writers", (db) => (batch: Omit<CallbackRow, "n">[]) => applyBatch(db, batch));

/** Who reported a Twilio status: its webhook, or reconciliation fetching the message. */
type StatusSource = "callback" | "reconcile";

/**
 * Who may report a status: a Twilio webhook, or system work such as reconciliation. On the
 * database itself, never a transaction: reports from many requests share one statement.
 */
type StatusReportContext = ServiceContext<WebhookActor | SystemActor> & { db: Db };

/** One Twilio status for one message, whoever reported it. */
export interface StatusReport {
  sid: string;
  status: MessageStatus;
  errorCode: number | null;
  errorReason: string | null;
  price: string | null;
  priceUnit: string | null;
  source: StatusSource;
  /** Our message id when known (from the signed callback URL, or the row reconciliation looked at). */
  messageId?: string;
  /** Kept with the event, as received. */
  payload: Record<string, unknown>;
  at?: Date;
}

/**
 * Applies one status callback: moves the message forward only if the status ranks higher,
 * and keeps the callback as an event (unique per message and status, so duplicates are absorbed).
 * Resolves only after the statement that carried it has committed.
 */
export function applyStatusCallback(
  ctx: ServiceContext<WebhookActor> & { db: Db },
  input: { callback: StatusCallback; messageId?: string; payload: Record<string, string>; receivedAt?: Date },
): Promise<CallbackOutcome> {
  const { messageSid, status, errorCode, errorReason } = input.callback;
  return applyStatusReport(ctx, {
    sid: messageSid,
    status,
    errorCode,
    errorReason,
    price: input.payload.Price ?? null,
    priceUnit: input.payload.PriceUnit ?? null,
    source: "callback",
    messageId: input.messageId,
    payload: input.payload,
    at: input.receivedAt,
  });
}

/**
 * The one monotonic apply path, for callbacks and reconciliation alike: the status moves the
 * message only if it ranks higher, and is kept as an event with its source. The source is the
 * report's, not the actor's: reconciliation acts as `system` but its events say `reconcile`.
 */
export function applyStatusReport(ctx: StatusReportContext, report: StatusReport): Promise<CallbackOutcome> {
  const status = statusFromTwilio(report.status);
  if (!status) return Promise.resolve({ result: "ignored" });
  const values = storableValues(report.errorCode, report.price, report.priceUnit);
  const row: Omit<CallbackRow, "n"> = {
    sid: report.sid,
    message_id: report.messageId ?? null,
    status,
    rank: STATUS_RANK[status],
    at: (report.at ?? new Date()).toISOString(),
    error_code: values.errorCode,
    error_message: values.errorCode === null ? null : report.errorReason,
    fail_reason: plainFailureReason(values.errorCode),
    price: values.price,
    price_unit: values.priceUnit,
    twilio_status: report.status,
    source: report.source,
    payload: report.payload,
  };
  const outcome = writerFor(ctx.db).submit(row);
  if (values.unusable.length === 0) return outcome;
  return outcome.then((result) => ({ ...result, unusableFields: values.unusable }));
}
