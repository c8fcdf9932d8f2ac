import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { column, queryRows } from "@/db/raw-rows";
import { reachableRecipient } from "../sms/recipients";
import { briefInstant, localRanges, type LocalRange } from "./local-window";

/** Where the last page ended, in the sweep's order (zone, local date, brief time, user). */
export interface BriefCursor {
  timeZone: string;
  localDate: string;
  briefTime: string;
  userId: string;
}

export interface DueBrief {
  userId: string;
  timeZone: string;
  localDate: string;
  /** The exact instant of the user's local brief time on that date. */
  briefAt: Date;
  /** Start of the next local day: the brief is pointless after it. */
  dayEnd: Date;
  /** Most urgent open task due that local day or overdue, if any. */
  focus: { title: string; dueAt: Date } | null;
  dedupeKey: string;
}

export interface BriefPage {
  briefs: DueBrief[];
  /** null when the sweep is done. */
  next: BriefCursor | null;
}

const briefRow = z.object({
  user_id: z.string(),
  brief_time: z.string(),
  dedupe_key: z.string(),
  focus_title: z.string().nullable(),
  focus_due_at: column.timestamp.nullable(),
});

/**
 * Each zone that has a user with the brief on, one index probe per zone (a loose index scan
 * of `user_sms_preferences_brief_idx`; PostgreSQL 15 has no skip scan of its own).
 */
async function briefZones(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows(
    db,
    sql`
    with recursive zones(tz) as (
      (select time_zone from user_sms_preferences where daily_brief order by time_zone limit 1)
      union all
      select (select p.time_zone from user_sms_preferences p
              where p.daily_brief and p.time_zone > z.tz order by p.time_zone limit 1)
      from zones z where z.tz is not null
    )
    select tz from zones where tz is not null`,
    z.object({ tz: z.string() }),
  );
  return rows.map((r) => r.tz);
}

/**
 * Up to `limit` users of one zone and local date whose brief time lies in the range, after the
 * cursor: an ordered range scan of `user_sms_preferences_brief_idx` that stops at the limit.
 * The dedupe key (per user and local date) is built here only, and users whose brief for that
 * date exists are skipped, so a repeated or overlapping tick finds nothing to request.
 */
async function rangePage(db: DbOrTx, range: LocalRange, after: { briefTime: string; userId: string } | null, limit: number) {
  const key = sql`'daily_brief:' || p.user_id || ':' || ${range.localDate}::text`;
  return queryRows(
    db,
    sql`
    select p.user_id, p.daily_brief_time as brief_time, ${key} as dedupe_key,
           focus.title as focus_title, focus.due_at as focus_due_at
    from (
      select p.user_id, p.daily_brief_time
      from user_sms_preferences p
      where p.daily_brief and p.time_zone = ${range.timeZone}
        and p.daily_brief_time >= ${range.fromTime} and p.daily_brief_time <= ${range.toTime}
        ${after ? sql`and (p.daily_brief_time, p.user_id) > (${after.briefTime}::text, ${after.userId}::text)` : sql``}
        and ${reachableRecipient("p")}
        and not exists (select 1 from sms_messages m where m.dedupe_key = ${key})
      order by p.daily_brief_time, p.user_id
      limit ${limit}
    ) p
    left join lateral (
      -- Most urgent first (the enum is declared urgent .. low), then the earliest due.
      select t.title, t.due_at from tasks t
      where t.user_id = p.user_id and t.completed_at is null and t.due_at < ${range.dayEnd.toISOString()}::timestamptz
      order by t.priority, t.due_at, t.id
      limit 1
    ) focus on true
    order by p.daily_brief_time, p.user_id`,
    briefRow,
  );
}

const byZoneAndDate = (a: LocalRange, b: LocalRange) =>
  a.timeZone < b.timeZone ? -1 : a.timeZone > b.timeZone ? 1 : a.localDate < b.localDate ? -1 : a.localDate > b.localDate ? 1 : 0;

/**
 * One page of daily briefs whose local instant falls in [from, to), for users with the brief on
 * who can be texted and have no brief for that local date yet. The window becomes, per zone and
 * local date, a range of local brief times (`localRanges`); the page walks those ranges in order
 * (zone, date), one ordered index range scan each, until it has `limit` candidates. The exact
 * instant of each candidate is checked here (the ranges are a hull).
 */
export async function dueBriefsPage(
  db: DbOrTx,
  { from, to, after, limit }: { from: Date; to: Date; after: BriefCursor | null; limit: number },
): Promise<BriefPage> {
  const ranges = localRanges(await briefZones(db), from, to).sort(byZoneAndDate);
  const briefs: DueBrief[] = [];
  let candidates = 0;
  let last: BriefCursor | null = null;
  for (const range of ranges) {
    const position = after ? byZoneAndDate(range, { ...range, timeZone: after.timeZone, localDate: after.localDate }) : 1;
    if (position < 0) continue; // before the cursor's range
    const rows = await rangePage(db, range, position === 0 ? after : null, limit - candidates);
    for (const row of rows) {
      const briefAt = briefInstant(range.timeZone, range.localDate, row.brief_time);
      last = { timeZone: range.timeZone, localDate: range.localDate, briefTime: row.brief_time, userId: row.user_id };
      if (briefAt < from || briefAt >= to) continue; // outside the window: only the hull matched
      briefs.push({
        userId: row.user_id,
        timeZone: range.timeZone,
        localDate: range.localDate,
        briefAt,
        dayEnd: range.dayEnd,
        focus: row.focus_title === null || row.focus_due_at === null ? null : { title: row.focus_title, dueAt: row.focus_due_at },
        dedupeKey: row.dedupe_key,
      });
    }
    candidates += rows.length;
    if (candidates >= limit) return { briefs, next: last };
  }
  return { briefs, next: null };
}
