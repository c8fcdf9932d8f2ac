import { sql, type SQL } from "drizzle-orm";
import { latencyBucketSql } from "./latency-buckets";

/**
 * The one aggregation of messages into dashboard rows, for messages requested in [from, to):
 * the stats rollup stores its output for past days, and the dashboard runs it live for today.
 */
export function statsRowsSql(from: Date, to: Date): SQL {
  return sql`
    select (m.created_at at time zone 'UTC')::date as day,
           m.template_id, m.category, m.status, m.skip_reason, m.error_code, m.price_unit,
           count(*)::int as messages,
           count(m.sent_at)::int as sent,
           coalesce(sum(m.segments), 0)::int as segments,
           count(m.price)::int as priced_messages,
           coalesce(sum(m.segments) filter (where m.price is not null), 0)::int as priced_segments,
           coalesce(sum(abs(m.price)), 0)::numeric(14, 5) as cost
    from sms_messages m
    where m.created_at >= ${from.toISOString()}::timestamptz and m.created_at < ${to.toISOString()}::timestamptz
    group by 1, 2, 3, 4, 5, 6, 7`;
}

export function latencyRowsSql(from: Date, to: Date): SQL {
  const seconds = sql`extract(epoch from (m.delivered_at - m.created_at))`;
  return sql`
    select (m.created_at at time zone 'UTC')::date as day, ${latencyBucketSql(seconds)} as bucket, count(*)::int as messages
    from sms_messages m
    where m.created_at >= ${from.toISOString()}::timestamptz and m.created_at < ${to.toISOString()}::timestamptz
      and m.status = 'delivered' and m.delivered_at is not null
    group by 1, 2`;
}
