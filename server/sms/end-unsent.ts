import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryOneRow } from "@/db/raw-rows";
import { smsStatus } from "@/db/schema";
import type { EventSource } from "./message-events";
import type { SmsStatus } from "./status-rank";

/** Where a text goes when it ends (or steps back) without Twilio taking it. */
type UnsentStatus = Extract<SmsStatus, "skipped" | "failed" | "cancelled" | "scheduled">;

export interface EndUnsent {
  messageId: string;
  /** The statuses the text must be in; from any other, nothing is written. */
  from: readonly SmsStatus[];
  to: UnsentStatus;
  /** More assignments for the message (`skip_reason = …`, `fail_reason = …`), joined with commas. */
  set?: SQL[];
  /** More conditions on the message row `m` (its claim token, its owner). */
  where?: SQL;
  event: { status: string; source: EventSource; payload?: Record<string, unknown>; errorCode?: number | null };
  at: Date;
}

const endedSchema = z.object({ changed: z.boolean(), status: z.enum(smsStatus.enumValues).nullable() });

/**
 * The one way a text ends unsent — skipped, failed before Twilio took it, cancelled, expired — or
 * steps back to being held: one statement that checks the status it expects, writes the message
 * and its event, and gives back the daily-cap slot the text held (`cap_local_date`, cleared in the
 * same write, so the slot is given back exactly once however often this runs).
 *
 * The slot is given back through the counter's unique key (insert … on conflict do update), not a
 * plain update: when this statement waited on the reservation that opened the user's day, it sees
 * the text's new `cap_local_date` (the locked row is read again) but not the day's counter row,
 * which that reservation inserted after this statement's snapshot; a plain update found no row
 * and the slot stayed taken. The conflict path always reaches the committed row.
 *
 * Returns whether it changed the row and the status the row had (null: no such message, or
 * `where` excluded it).
 */
export async function endUnsent(db: DbOrTx, end: EndUnsent): Promise<{ changed: boolean; status: SmsStatus | null }> {
  const at = end.at.toISOString();
  const from = sql.join(
    end.from.map((s) => sql`${s}::sms_status`),
    sql`, `,
  );
  const extraSet = end.set && end.set.length > 0 ? sql`, ${sql.join(end.set, sql`, `)}` : sql``;
  const payload = end.event.payload ? JSON.stringify(end.event.payload) : null;
  return queryOneRow(
    db,
    sql`
    with target as (
      select m.id, m.user_id, m.status, m.cap_local_date from sms_messages m
      where m.id = ${end.messageId}::uuid ${end.where ? sql`and ${end.where}` : sql``}
      for update
    ),
    ended as (
      update sms_messages m set status = ${end.to}::sms_status, cap_local_date = null,
        updated_at = ${at}::timestamptz ${extraSet}
      from target t
      where m.id = t.id and t.status in (${from})
      returning m.id
    ),
    released as (
      insert into sms_daily_counters (user_id, local_date, count)
      select t.user_id, t.cap_local_date, 0 from target t
      where exists (select 1 from ended) and t.cap_local_date is not null
      on conflict (user_id, local_date) do update set count = greatest(sms_daily_counters.count - 1, 0)
      returning user_id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, error_code, payload, created_at)
      select id, ${end.event.status}::text, ${end.event.source}::sms_event_source, true, ${end.event.errorCode ?? null}::int,
        ${payload}::text::jsonb, ${at}::timestamptz
      from ended
    )
    select exists (select 1 from ended) as changed, (select status from target) as status`,
    endedSchema,
  );
}

/**
 * Ends a text that never reached Twilio as `failed` with `failReason` (shown to the user and the
 * admin), from whichever unsent status it is in; gives back its cap slot. False when it had
 * already moved on (sent, cancelled, failed before).
 */
export async function failUnsent(db: DbOrTx, messageId: string, failReason: string, at: Date): Promise<boolean> {
  const { changed } = await endUnsent(db, {
    messageId,
    from: ["pending", "scheduled", "queued"],
    to: "failed",
    set: [sql`fail_reason = ${failReason}::text`, sql`error_message = ${failReason}::text`, sql`held_until = null`, sql`hold_reason = null`],
    event: { status: "failed", source: "system", payload: { reason: failReason } },
    at,
  });
  return changed;
}
