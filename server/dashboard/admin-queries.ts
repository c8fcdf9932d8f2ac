import { inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { canonicalTimeZone } from "@/common/time-zones";
import { column, queryRows } from "@/db/raw-rows";
import { smsTemplates } from "@/db/schema";
import { plainFailureReason } from "../sms/error-reasons";
import type { AdminActor, ServiceContext } from "../service-context";
import { refusalCounts } from "../verification/refusals";
import { latencyRowsSql, statsRowsSql } from "./aggregate";
import { dashboardDays, offsetSplitsHours } from "./days";
import { histogramQuantile } from "./latency-buckets";
import { utcDayStart } from "./rollup";

export const DASHBOARD_RANGES = [7, 30, 90] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

/** The dashboard's period (the last 7, 30 or 90 days) and whose days they are. */
export const dashboardInputSchema = z
  .object({
    days: z.union(DASHBOARD_RANGES.map((d) => z.literal(d)), { message: "Choose 7, 30 or 90 days" }),
    /** Whose days: midnight to midnight in this zone (the page sends the browser's unless the admin picks one). */
    timeZone: z.string().max(64).refine((zone) => canonicalTimeZone(zone) === zone, "Choose a time zone from the list"),
  })
  .strict();
type DashboardInput = z.infer<typeof dashboardInputSchema>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The first whole UTC hour that starts at or after `at`. */
const ceilHour = (at: Date) => new Date(Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS);
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** Statuses a text can end in after Twilio took it: the delivery rate's denominator. */
const FINISHED_AT_TWILIO = ["delivered", "undelivered", "failed"] as const;

const count = column.count;
const groupedRow = z.object({
  kind: z.enum(["status", "error", "template", "day"]),
  /** The admin's local day, on the live day's per-day rows only. */
  day: z.string().nullable(),
  template_id: z.string().nullable(),
  status: z.string().nullable(),
  skip_reason: z.string().nullable(),
  error_code: z.number().nullable(),
  price_unit: z.string().nullable(),
  messages: count.nullable(),
  sent: count.nullable(),
  segments: count.nullable(),
  priced_segments: count.nullable(),
  cost: count.nullable(),
});
const seriesRow = z.object({ day: z.string(), status: z.string(), messages: count });
const latencyRow = z.object({ bucket: z.number(), messages: count.nullable() });
const optChangeRow = z.object({ day: z.string(), kind: z.enum(["opt_out", "opt_in"]), changes: count });
const peopleRow = z.object({ verified: count, opted_out: count });

/**
 * Every dashboard figure for the last `days` days in the admin's `timeZone` (today included):
 * closed UTC days come from the stats rollup, today (UTC) is aggregated live by the same SQL,
 * once, for the figures and the per-day series alike. The window's totals, error codes, top
 * templates and time to delivery read whole UTC days for the days wholly inside it, and the
 * hours only for its first, partial, day; the per-day series reads every hour by status,
 * regrouped into the zone's days.
 */
export async function dashboardSummary({ db }: ServiceContext<AdminActor>, input: DashboardInput, now = new Date()) {
  const window = dashboardDays(input.days, input.timeZone, now);
  const zone = input.timeZone;
  // The window counts whole UTC hours (the rollup's key): those that start inside it.
  const firstHour = ceilHour(window.from);
  const endHour = ceilHour(window.end);
  // Today (UTC) is aggregated live; it lies inside the window (which starts six days or more
  // before it), so its rows need no hour filter, only the window's end.
  const liveFrom = utcDayStart(now);
  const liveTo = endHour;
  // Rollup hours in the window, compared as (day, hour) keys: converting each row's hour to an
  // instant to compare it cost half of the 90-day series read.
  const hourKey = (at: Date) => sql`(${isoDay(at)}::date, ${at.getUTCHours()}::smallint)`;
  const windowHours = sql`(day, hour) >= ${hourKey(firstHour)} and (day, hour) < ${hourKey(endHour)}`;
  const localDay = sql`(((day + hour * interval '1 hour') at time zone 'UTC') at time zone ${zone})::date`;
  // Closed UTC days the window touches: the first may begin before the window (it is read by the
  // hour); every later one lies wholly inside it (read whole), up to today, which is live.
  const firstDay = utcDayStart(firstHour);
  const wholeFrom = firstDay.getTime() === firstHour.getTime() ? firstDay : new Date(firstDay.getTime() + DAY_MS);
  const closedDays = (from: Date, to: Date) => sql`day >= ${isoDay(from)}::date and day < ${isoDay(to)}::date`;
  const rolledUp = sql`${closedDays(firstDay, liveFrom)} and ${windowHours}`;
  const partialDay = sql`${closedDays(firstDay, wholeFrom < liveFrom ? wholeFrom : liveFrom)} and ${windowHours}`;
  const wholeDays = closedDays(wholeFrom, liveFrom);
  const statsColumns = sql`template_id, status, skip_reason, error_code, price_unit, messages, sent, segments, priced_segments, cost`;

  // The window's totals, error codes and templates are grouped three ways; the live day is grouped
  // a fourth way too, by its local days and statuses, for the per-day series: today's rows are
  // aggregated once, and this code adds each grouping's rolled-up and live rows together.
  const groupedFigures = (rows: SQL, alsoByDay: boolean) => sql`
    select case when grouping(r.status, r.skip_reason, r.price_unit) = 0 then 'status'
                when grouping(r.error_code) = 0 then 'error'
                when grouping(r.template_id) = 0 then 'template'
                else 'day' end as kind,
           ${alsoByDay ? sql`r.local_day::text` : sql`null::text`} as day,
           r.template_id, r.status::text as status, r.skip_reason::text as skip_reason, r.error_code, r.price_unit,
           sum(r.messages)::int as messages, sum(r.sent)::int as sent, sum(r.segments)::int as segments,
           sum(r.priced_segments)::int as priced_segments, sum(r.cost)::numeric(14, 5) as cost
    from (${rows}) r
    group by grouping sets ((r.status, r.skip_reason, r.price_unit), (r.error_code), (r.template_id)${alsoByDay ? sql`, (r.local_day, r.status)` : sql``})`;

  // Six independent reads: on PostgreSQL they run side by side on pooled connections.
  const [rolledUpGroups, liveGroups, rolledUpSeries, latency, optChanges, [people]] = await Promise.all([
    queryRows(
      db,
      groupedFigures(
        sql`
        select ${statsColumns} from sms_stats_days where ${wholeDays}
        union all
        select ${statsColumns} from sms_stats_daily where ${partialDay}`,
        false,
      ),
      groupedRow,
    ),
    queryRows(db, groupedFigures(sql`select ${localDay} as local_day, live.* from (${statsRowsSql(liveFrom, liveTo)}) live`, true), groupedRow),
    queryRows(
      db,
      sql`select ${localDay}::text as day, status::text as status, sum(messages)::int as messages
          from sms_status_hours where ${rolledUp}
          group by 1, 2`,
      seriesRow,
    ),
    queryRows(
      db,
      sql`
      select bucket, sum(messages)::int as messages from (
        select bucket, messages from sms_latency_days where ${wholeDays}
        union all
        select bucket, messages from sms_latency_daily where ${partialDay}
        union all
        select bucket, messages from (${latencyRowsSql(liveFrom, liveTo)}) live
      ) l
      group by bucket`,
      latencyRow,
    ),
    queryRows(
      db,
      sql`select (created_at at time zone ${zone})::date::text as day, kind, count(*)::int as changes
          from sms_opt_changes
          where created_at >= ${window.from.toISOString()}::timestamptz and created_at < ${window.end.toISOString()}::timestamptz
          group by 1, 2 order by 1`,
      optChangeRow,
    ),
    queryRows(
      db,
      sql`select count(*) filter (where phone_verified_at is not null and opted_out_at is null)::int as verified,
                 count(*) filter (where opted_out_at is not null)::int as opted_out
          from user_sms_preferences`,
      peopleRow,
    ),
  ]);
  const liveSeries = liveGroups.filter((r) => r.kind === "day").map((r) => ({ day: r.day!, status: r.status!, messages: r.messages ?? 0 }));
  const grouped = [...rolledUpGroups, ...liveGroups.filter((r) => r.kind !== "day")];
  const series = [...rolledUpSeries, ...liveSeries];

  const summary = shapeSummary({ days: input.days, localDays: window.days, grouped, series, latency, optChanges, people });
  const topIds = summary.topTemplates.map((t) => t.templateId);
  const names = topIds.length
    ? await db.select({ id: smsTemplates.id, key: smsTemplates.key, name: smsTemplates.name }).from(smsTemplates).where(inArray(smsTemplates.id, topIds))
    : [];
  const byId = new Map(names.map((t) => [t.id, t]));
  return {
    ...summary,
    verificationRefusals: await refusalCounts(db, window.from, window.end),
    timeZone: zone,
    /** The zone is off UTC by part of an hour: a day's edges are counted by whole UTC hours. */
    hourlyEdges: offsetSplitsHours(zone, now),
    topTemplates: summary.topTemplates.map((t) => ({ ...t, key: byId.get(t.templateId)?.key ?? null, name: byId.get(t.templateId)?.name ?? null })),
  };
}

function shapeSummary(parts: {
  days: DashboardRange;
  localDays: string[];
  grouped: Array<z.output<typeof groupedRow>>;
  series: Array<z.output<typeof seriesRow>>;
  latency: Array<z.output<typeof latencyRow>>;
  optChanges: Array<z.output<typeof optChangeRow>>;
  people: z.output<typeof peopleRow> | undefined;
}) {
  const n = (v: number | null | undefined) => v ?? 0;
  const byStatus = new Map<string, number>();
  const skipped: Record<string, number> = {};
  let requested = 0;
  let sent = 0;
  let cost = 0;
  let pricedSegments = 0;
  let segments = 0;
  const unitCounts = new Map<string, number>();
  for (const row of parts.grouped.filter((r) => r.kind === "status")) {
    const messages = n(row.messages);
    requested += messages;
    sent += n(row.sent);
    segments += n(row.segments);
    pricedSegments += n(row.priced_segments);
    cost += n(row.cost);
    byStatus.set(row.status!, (byStatus.get(row.status!) ?? 0) + messages);
    if (row.status === "skipped") skipped[row.skip_reason ?? "unknown"] = (skipped[row.skip_reason ?? "unknown"] ?? 0) + messages;
    if (row.price_unit) unitCounts.set(row.price_unit, (unitCounts.get(row.price_unit) ?? 0) + messages);
  }
  const count = (status: string) => byStatus.get(status) ?? 0;
  const finished = FINISHED_AT_TWILIO.reduce((sum, status) => sum + count(status), 0);

  const series = new Map<string, Record<string, number>>(parts.localDays.map((day) => [day, {}]));
  for (const row of parts.series) {
    const day = series.get(row.day) ?? {};
    day[row.status] = (day[row.status] ?? 0) + row.messages;
    series.set(row.day, day);
  }
  const optByDay = new Map<string, { optOuts: number; optIns: number }>();
  for (const row of parts.optChanges) {
    const day = optByDay.get(row.day) ?? { optOuts: 0, optIns: 0 };
    if (row.kind === "opt_out") day.optOuts += n(row.changes);
    else day.optIns += n(row.changes);
    optByDay.set(row.day, day);
  }
  const histogram = parts.latency.map((row) => ({ bucket: row.bucket, messages: n(row.messages) }));
  const costPerSegment = pricedSegments > 0 ? cost / pricedSegments : null;

  return {
    days: parts.days,
    from: parts.localDays[0]!,
    to: parts.localDays[parts.localDays.length - 1]!,
    totals: {
      requested,
      sent,
      delivered: count("delivered"),
      undelivered: count("undelivered"),
      failed: count("failed"),
      cancelled: count("cancelled"),
      skipped: count("skipped"),
      /** Texts that went out inside a digest; each digest is a text of its own in the other figures. */
      merged: count("merged"),
      inFlight: ["pending", "scheduled", "queued", "sending", "sent", "unknown"].reduce((sum, s) => sum + count(s), 0),
    },
    skippedByReason: skipped,
    deliveryRate: finished > 0 ? count("delivered") / finished : null,
    latencySeconds: { p50: histogramQuantile(histogram, 0.5), p90: histogramQuantile(histogram, 0.9) },
    errorCodes: [...sumByKey(parts.grouped.filter((r) => r.kind === "error"), (r) => r.error_code)]
      .map(([code, messages]) => ({ code, meaning: plainFailureReason(code), messages }))
      .sort((a, b) => b.messages - a.messages),
    topTemplates: [...sumByKey(parts.grouped.filter((r) => r.kind === "template"), (r) => r.template_id)]
      .map(([templateId, messages]) => ({ templateId, messages }))
      .sort((a, b) => b.messages - a.messages)
      .slice(0, 5),
    daily: [...series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, statuses]) => ({
      day,
      requested: Object.values(statuses).reduce((sum, v) => sum + v, 0),
      delivered: statuses.delivered ?? 0,
      failed: (statuses.failed ?? 0) + (statuses.undelivered ?? 0),
      skipped: statuses.skipped ?? 0,
      optOuts: optByDay.get(day)?.optOuts ?? 0,
      optIns: optByDay.get(day)?.optIns ?? 0,
    })),
    people: { verified: n(parts.people?.verified), optedOut: n(parts.people?.opted_out) },
    cost: {
      /** What Twilio charged for the texts whose price was fetched. */
      known: round(cost),
      /** Known cost plus unpriced segments at the average price per segment seen. */
      estimated: costPerSegment === null ? null : round(cost + (segments - pricedSegments) * costPerSegment),
      unit: [...unitCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
    },
  };
}

/** Messages by `key` (rows without one left out): the rolled-up days and the live day each bring a row for a key. */
function sumByKey<K>(rows: Array<z.output<typeof groupedRow>>, key: (row: z.output<typeof groupedRow>) => K | null) {
  const sums = new Map<K, number>();
  for (const row of rows) {
    const k = key(row);
    if (k !== null) sums.set(k, (sums.get(k) ?? 0) + (row.messages ?? 0));
  }
  return sums;
}

const round = (value: number) => Math.round(value * 100_000) / 100_000;

export type DashboardSummary = Awaited<ReturnType<typeof dashboardSummary>>;
