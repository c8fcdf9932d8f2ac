import { sql, type SQL } from "drizzle-orm";
import { latencyBucketSql } from "./latency-buckets";

/** The UTC day and hour a message was requested in: the rollup's key (hours regroup into any zone's days). */
const requestDay = sql`(m.created_at at time zone 'UTC')::date`;
const requestHour = sql`extract(hour from m.created_at at time zone 'UTC')::smallint`;

/**
 * When a text was due to be sent: its request, or later its scheduled time, or later the end of
 * the last hold the pipeline recorded (a quiet-hours hold ends when the user's quiet hours do).
 * Time to delivery runs from here: a brief asked for at 05:00 to go at 05:10 and delivered at
 * 05:10:04 took 4 seconds, not 10 minutes. The one definition, for the rollup and the live day;
 * `held` is the lateral join below.
 */
const dueAtSql = sql`greatest(m.created_at, m.scheduled_for, held.until)`;

/**
 * The end of a message's last recorded hold, joined once per message: as a subquery inside the
 * time to delivery it ran again for each place the bucket's CASE names the seconds.
 */
const lastHoldJoin = sql`left join lateral (
    select max((e.payload ->> 'heldUntil')::timestamptz) as until from sms_message_events e
    where e.message_id = m.id and e.status = 'scheduled' and e.payload ? 'heldUntil'
  ) held on true`;

/**
 * The one aggregation of messages into dashboard rows, for messages requested in [from, to):
 * the stats rollup stores its output for past days, and the dashboard runs it live for today.
 */
export function statsRowsSql(from: Date, to: Date): SQL {
  return sql`
    select ${requestDay} as day, ${requestHour} as hour,
           m.template_id, m.category, m.status, m.skip_reason, m.error_code, m.price_unit,
           count(*)::int as messages,
           count(m.sent_at)::int as sent,
           coalesce(sum(m.segments), 0)::int as segments,
           count(m.price)::int as priced_messages,
           coalesce(sum(m.segments) filter (where m.price is not null), 0)::int as priced_segments,
           coalesce(sum(abs(m.price)), 0)::numeric(14, 5) as cost
    from sms_messages m
    where m.created_at >= ${from.toISOString()}::timestamptz and m.created_at < ${to.toISOString()}::timestamptz
    group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

/**
 * Time-to-delivery histogram rows of the messages requested in [from, to) and delivered (never
 * below zero). The seconds are worked out once per message, behind `offset 0`: pulled up, the
 * expression would be evaluated in each branch of the bucket's CASE. `date_part` gives a float,
 * where `extract` gives an exact numeric, slower and no more useful at a microsecond's precision.
 */
export function latencyRowsSql(from: Date, to: Date): SQL {
  return sql`
    select day, hour, ${latencyBucketSql(sql`seconds`)} as bucket, count(*)::int as messages
    from (
      select ${requestDay} as day, ${requestHour} as hour,
             greatest(0, date_part('epoch', m.delivered_at - ${dueAtSql})) as seconds
      from sms_messages m ${lastHoldJoin}
      where m.created_at >= ${from.toISOString()}::timestamptz and m.created_at < ${to.toISOString()}::timestamptz
        and m.status = 'delivered' and m.delivered_at is not null
      offset 0
    ) d
    group by 1, 2, 3`;
}
