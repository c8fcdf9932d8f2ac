import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { column, queryOneRow, queryRows } from "@/db/raw-rows";
import type { SmsCategory, SmsPriority } from "./categories";

/**
 * Which texts the per-user daily cap covers, and which it may refuse:
 * - `account` texts (verification, opt-in confirmation) neither count nor are refused: the user
 *   just asked for them;
 * - `urgent` texts count but are never refused (like quiet hours, the cap does not hold them
 *   back; a user stops them by switching urgent alerts off);
 * - everything else counts and is refused over the cap (the caller marks it skipped(daily_cap)).
 */
export function countsTowardDailyCap(message: { category: SmsCategory; priority: SmsPriority }): {
  counts: boolean;
  refusable: boolean;
} {
  if (message.category === "account") return { counts: false, refusable: false };
  if (message.priority === "urgent") return { counts: true, refusable: false };
  return { counts: true, refusable: true };
}

/** The user's calendar date ("YYYY-MM-DD") at `at` in their IANA zone: the day the cap counts in. */
export function localDateFor(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const date = local.isValid ? local.toISODate() : null;
  if (!date) throw new RangeError(`Cannot place ${String(at)} in time zone "${timeZone}"`);
  return date;
}

export type QueueOutcome =
  /** Queued, holding a slot of `localDate` when it counts toward the cap. */
  | { queued: true; localDate: string | null }
  /** Over the cap: nothing was written (the caller skips it with daily_cap). */
  | { queued: false; refused: true }
  /** No longer pending or scheduled (cancelled, or another run queued it): nothing was written. */
  | { queued: false; refused: false };

const queueRowSchema = z.object({ queued: z.boolean(), refused: z.boolean() });

/**
 * Reserves the text's slot of the user's daily cap and marks it `queued`, in one statement: the
 * counter, the message (with the reserved local date in `cap_local_date`) and its `queued` event
 * change together or not at all, so a crash between two writes can never reserve twice.
 *
 * The message row is locked first and must still be pending or scheduled, so a cancel that won
 * reserves nothing. The counter's upsert increments only while under the cap (PostgreSQL re-checks
 * the conflict WHERE against the newest row version), so concurrent senders never reserve more
 * than `cap`; a new local date is a new row, so nothing needs resetting. `refusable: false`
 * (urgent texts) always reserves. Texts that do not count are queued with no slot.
 */
export async function reserveAndQueue(
  db: DbOrTx,
  args: {
    messageId: string;
    userId: string;
    timeZone: string;
    cap: number;
    at: Date;
    counts: boolean;
    refusable: boolean;
  },
): Promise<QueueOutcome> {
  const localDate = args.counts ? localDateFor(args.at, args.timeZone) : null;
  const always = !args.refusable;
  const at = args.at.toISOString();
  const outcome = await queryOneRow(
    db,
    sql`
    with msg as (
      select id from sms_messages
      where id = ${args.messageId}::uuid and status in ('pending', 'scheduled')
      for update
    ),
    slot as (
      insert into sms_daily_counters (user_id, local_date, count)
      select ${args.userId}::text, ${localDate}::date, 1
      from msg
      where ${args.counts}::boolean and (${always}::boolean or ${args.cap}::int > 0)
      on conflict (user_id, local_date) do update set count = sms_daily_counters.count + 1
      where ${always}::boolean or sms_daily_counters.count < ${args.cap}::int
      returning local_date
    ),
    queued as (
      update sms_messages m set status = 'queued', cap_local_date = (select local_date from slot),
        held_until = null, hold_reason = null, updated_at = ${at}::timestamptz
      from msg
      where m.id = msg.id and (not ${args.counts}::boolean or exists (select 1 from slot))
      returning m.id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, created_at)
      select id, 'queued', 'system', true, ${at}::timestamptz from queued
    )
    select exists (select 1 from queued) as queued,
      exists (select 1 from msg) and not exists (select 1 from queued) as refused`,
    queueRowSchema,
  );
  if (outcome.queued) return { queued: true, localDate };
  return { queued: false, refused: outcome.refused };
}

/**
 * The day's counter at least as it stands (tests and the soak's audit compare it with the texts
 * that hold a slot of that day).
 */
export async function dailyCount(db: DbOrTx, userId: string, localDate: string): Promise<number | null> {
  const [row] = await queryRows(
    db,
    sql`select count from sms_daily_counters where user_id = ${userId}::text and local_date = ${localDate}::date`,
    z.object({ count: column.count }),
  );
  return row ? row.count : null;
}
