import { sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows, type DbOrTx } from "@/db/client";
import { column, queryRows } from "@/db/raw-rows";
import { latencyRowsSql, statsRowsSql } from "./aggregate";

const DAY_MS = 86_400_000;

export function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** Every table the stats cron rebuilds: the hours, then what is made from them. */
const ROLLUP_TABLES = ["sms_stats_daily", "sms_latency_daily", "sms_stats_days", "sms_status_hours", "sms_latency_days"] as const;

/**
 * Rebuilds the stats rows of the UTC days [fromDay, toDay) in one transaction, so the dashboard
 * never sees a day half rebuilt. Run by the stats cron for the last few closed days (late
 * callbacks and reconciliation still move them); a first run backfills everything.
 */
export async function rebuildDailyStats(db: DbOrTx, range: { fromDay: Date; toDay: Date }) {
  const from = utcDayStart(range.fromDay);
  const to = utcDayStart(range.toDay);
  if (to <= from) return { days: 0 };
  const days = sql`day >= ${isoDay(from)}::date and day < ${isoDay(to)}::date`;
  await db.transaction(async (tx) => {
    for (const table of ROLLUP_TABLES) await executeRows(tx, sql`delete from ${sql.identifier(table)} where ${days}`);
    await executeRows(
      tx,
      sql`insert into sms_stats_daily (day, hour, template_id, category, status, skip_reason, error_code, price_unit,
            messages, sent, segments, priced_messages, priced_segments, cost) ${statsRowsSql(from, to)}`,
    );
    await executeRows(tx, sql`insert into sms_latency_daily (day, hour, bucket, messages) ${latencyRowsSql(from, to)}`);
    // The whole days and the per-hour statuses, from the hours just written (as migration 0017 made them).
    await executeRows(
      tx,
      sql`insert into sms_stats_days (day, template_id, category, status, skip_reason, error_code, price_unit,
            messages, sent, segments, priced_messages, priced_segments, cost)
          select day, template_id, category, status, skip_reason, error_code, price_unit,
            sum(messages)::int, sum(sent)::int, sum(segments)::int, sum(priced_messages)::int, sum(priced_segments)::int, sum(cost)
          from sms_stats_daily where ${days}
          group by day, template_id, category, status, skip_reason, error_code, price_unit`,
    );
    await executeRows(
      tx,
      sql`insert into sms_status_hours (day, hour, status, messages)
          select day, hour, status, sum(messages)::int from sms_stats_daily where ${days} group by day, hour, status`,
    );
    await executeRows(
      tx,
      sql`insert into sms_latency_days (day, bucket, messages)
          select day, bucket, sum(messages)::int from sms_latency_daily where ${days} group by day, bucket`,
    );
  });
  return { days: Math.round((to.getTime() - from.getTime()) / DAY_MS) };
}

/** Days the cron rebuilds on each tick: yesterday and the day before (late callbacks land there). */
export const REBUILD_RECENT_DAYS = 2;

/**
 * The cron's work: the last few closed days, reaching back to the last day already rolled up
 * when ticks were missed, or to the first message when the rollup is empty.
 */
export async function refreshDailyStats(db: DbOrTx, now = new Date()) {
  const today = utcDayStart(now);
  const [state] = await queryRows(
    db,
    sql`select (select max(day)::text from sms_stats_daily) as last_day, (select min(created_at) from sms_messages) as first`,
    z.object({ last_day: z.string().nullable(), first: column.timestamp.nullable() }),
  );
  if (!state?.first) return { days: 0 };
  const recent = new Date(today.getTime() - REBUILD_RECENT_DAYS * DAY_MS);
  const afterLast = state.last_day ? new Date(`${state.last_day}T00:00:00Z`) : utcDayStart(state.first);
  const fromDay = afterLast < recent ? afterLast : recent;
  return rebuildDailyStats(db, { fromDay, toDay: today });
}
