import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { column, queryRows } from "@/db/raw-rows";
import { statsRowsSql } from "./aggregate";
import { utcDayStart } from "./rollup";

const DAY_MS = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Texts sent and delivered per template over the last `days` UTC days (today included), from
 * the stats rollup for closed days and the same aggregate live for today, as the dashboard does.
 */
export async function templateStats(db: DbOrTx, days: number, now = new Date()) {
  const today = utcDayStart(now);
  const from = new Date(today.getTime() - (days - 1) * DAY_MS);
  const tomorrow = new Date(today.getTime() + DAY_MS);
  const rows = await queryRows(
    db,
    sql`
    with r as (
      select template_id, status, messages, sent from sms_stats_daily
      where day >= ${isoDay(from)}::date and day < ${isoDay(today)}::date and template_id is not null
      union all
      select template_id, status, messages, sent from (${statsRowsSql(today, tomorrow)}) live where template_id is not null
    )
    select template_id, sum(sent)::int as sent, coalesce(sum(messages) filter (where status = 'delivered'), 0)::int as delivered
    from r group by template_id`,
    z.object({ template_id: z.string(), sent: column.count, delivered: column.count }),
  );
  return new Map(rows.map((row) => [row.template_id, { sent: row.sent, delivered: row.delivered }]));
}
