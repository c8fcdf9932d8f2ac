import { sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { reachableRecipient } from "../sms/recipients";
import { briefInstant, localRanges } from "./local-window";

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

interface Row extends Record<string, unknown> {
  time_zone: string;
  local_date: string;
  brief_time: string;
  user_id: string;
  day_end: string | Date;
  dedupe_key: string;
  focus_title: string | null;
  focus_due_at: string | Date | null;
}

/**
 * Each zone that has a user with the brief on, one index probe per zone (a loose index scan
 * of `user_sms_preferences_brief_idx`; PostgreSQL 15 has no skip scan of its own).
 */
async function briefZones(db: DbOrTx): Promise<string[]> {
  const rows = await executeRows<{ tz: string | null }>(
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
  );
  return rows.map((r) => r.tz!);
}

/**
 * The dedupe key of a user's brief: per user and local date, so a repeated or late tick (or one
 * whose window overlaps the last) never requests it twice. Built in SQL only.
 */
const briefKey = sql.raw(`'daily_brief:' || p.user_id || ':' || r.local_date::text`);

/**
 * One page of daily briefs whose local instant falls in [from, to), for users with the brief on
 * who can be texted and have no brief for that local date yet. Each zone's candidate local
 * times come from `localRanges`, so the query is a range scan of the brief index per zone and
 * date, in keyset order; the exact instant is checked here (the ranges are a hull).
 */
export async function dueBriefsPage(
  db: DbOrTx,
  { from, to, after, limit }: { from: Date; to: Date; after: BriefCursor | null; limit: number },
): Promise<BriefPage> {
  const ranges = localRanges(await briefZones(db), from, to);
  if (ranges.length === 0) return { briefs: [], next: null };
  const json = JSON.stringify(
    ranges.map((r) => ({ tz: r.timeZone, local_date: r.localDate, lo: r.fromTime, hi: r.toTime, day_end: r.dayEnd.toISOString() })),
  );
  const c = after ?? { timeZone: "", localDate: "0001-01-01", briefTime: "", userId: "" };
  const rows = await executeRows<Row>(
    db,
    sql`
    with r as (
      select * from jsonb_to_recordset(${json}::jsonb) as r(tz text, local_date date, lo text, hi text, day_end timestamptz)
    ),
    page as (
      select r.tz as time_zone, r.local_date::text as local_date, r.day_end, p.user_id, p.daily_brief_time as brief_time,
             ${briefKey} as dedupe_key
      from r
      cross join lateral (
        select p.user_id, p.daily_brief_time
        from user_sms_preferences p
        where p.daily_brief and p.time_zone = r.tz
          and p.daily_brief_time >= r.lo and p.daily_brief_time <= r.hi
          and (p.daily_brief_time, p.user_id) > (
            case when (r.tz, r.local_date) = (${c.timeZone}::text, ${c.localDate}::date) then ${c.briefTime}::text else '' end,
            case when (r.tz, r.local_date) = (${c.timeZone}::text, ${c.localDate}::date) then ${c.userId}::text else '' end)
          and ${reachableRecipient("p")}
          and not exists (select 1 from sms_messages m where m.dedupe_key = ${briefKey})
        order by p.daily_brief_time, p.user_id
        limit ${limit}
      ) p
      where (r.tz, r.local_date) >= (${c.timeZone}::text, ${c.localDate}::date)
      order by r.tz, r.local_date, p.daily_brief_time, p.user_id
      limit ${limit}
    )
    select page.*, focus.title as focus_title, focus.due_at as focus_due_at
    from page
    left join lateral (
      -- Most urgent first (the enum is declared urgent .. low), then the earliest due.
      select t.title, t.due_at from tasks t
      where t.user_id = page.user_id and t.completed_at is null and t.due_at < page.day_end
      order by t.priority, t.due_at, t.id
      limit 1
    ) focus on true
    order by page.time_zone, page.local_date, page.brief_time, page.user_id`,
  );
  const briefs: DueBrief[] = [];
  for (const row of rows) {
    const briefAt = briefInstant(row.time_zone, row.local_date, row.brief_time);
    if (briefAt < from || briefAt >= to) continue; // outside the window: only the hull matched
    briefs.push({
      userId: row.user_id,
      timeZone: row.time_zone,
      localDate: row.local_date,
      briefAt,
      dayEnd: new Date(row.day_end),
      focus: row.focus_title === null ? null : { title: row.focus_title, dueAt: new Date(row.focus_due_at!) },
      dedupeKey: row.dedupe_key,
    });
  }
  const last = rows.at(-1);
  return {
    briefs,
    next: rows.length < limit || !last ? null : { timeZone: last.time_zone, localDate: last.local_date, briefTime: last.brief_time, userId: last.user_id },
  };
}
