import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { executeRows, type DbOrTx } from "@/db/client";
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

/**
 * Reserves one of the user's texts for their local date; false when the cap is reached. One
 * round trip: a single upsert whose conflict branch increments only while under the cap, so
 * concurrent senders can never reserve more than `cap` (PostgreSQL re-checks the WHERE against
 * the newest row version). A new local date is a new row, so nothing needs resetting.
 * `refusable: false` (urgent texts, see countsTowardDailyCap) always increments and reserves.
 * `count` is the day's count after the call (when refused, as of the statement's start).
 */
export async function reserveDailySlot(
  db: DbOrTx,
  args: { userId: string; timeZone: string; cap: number; at: Date; refusable?: boolean },
): Promise<{ reserved: boolean; localDate: string; count: number }> {
  const localDate = localDateFor(args.at, args.timeZone);
  const always = args.refusable === false;
  const rows = await executeRows<{ count: number | string; reserved: boolean }>(
    db,
    sql`
    with attempt as (
      insert into sms_daily_counters (user_id, local_date, count)
      select ${args.userId}::text, ${localDate}::date, 1
      where ${always}::boolean or ${args.cap}::int > 0
      on conflict (user_id, local_date) do update set count = sms_daily_counters.count + 1
      where ${always}::boolean or sms_daily_counters.count < ${args.cap}::int
      returning count
    )
    select count, true as reserved from attempt
    union all
    select count, false as reserved from sms_daily_counters
    where user_id = ${args.userId}::text and local_date = ${localDate}::date and not exists (select 1 from attempt)`,
  );
  const row = rows[0];
  return { reserved: row?.reserved === true, localDate, count: Number(row?.count ?? 0) };
}

/**
 * Gives a reservation back (a text that was reserved but then not sent: cancelled, skipped,
 * failed before Twilio took it). Release each reservation once; the count never goes below zero.
 */
export async function releaseDailySlot(db: DbOrTx, args: { userId: string; localDate: string }): Promise<void> {
  await executeRows(
    db,
    sql`
    update sms_daily_counters set count = count - 1
    where user_id = ${args.userId}::text and local_date = ${args.localDate}::date and count > 0`,
  );
}
