import { date, index, integer, numeric, pgTable, primaryKey, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { optOutSource, smsCategory, smsSkipReason, smsStatus } from "./enums";

/** The dashboard's dimensions and sums, the same for the hourly and the whole-day rollup. */
function statsFigures() {
  return {
    templateId: uuid(),
    category: smsCategory().notNull(),
    status: smsStatus().notNull(),
    skipReason: smsSkipReason(),
    errorCode: integer(),
    priceUnit: text(),
    messages: integer().notNull(),
    sent: integer().notNull(),
    segments: integer().notNull(),
    pricedMessages: integer().notNull(),
    pricedSegments: integer().notNull(),
    /** Sum of what Twilio charged (a positive amount in `priceUnit`). */
    cost: numeric({ precision: 14, scale: 5 }).notNull(),
  };
}

/**
 * Messages per UTC hour of their request (`day` + `hour`) and per dashboard dimension, so the
 * admin dashboard reads a few thousand rows instead of aggregating a million messages, and can
 * count days in any time zone the admin chooses (hours regroup into that zone's days). Past UTC
 * days are rebuilt by the stats cron (late callbacks change yesterday's figures); today is
 * aggregated live.
 */
export const smsStatsDaily = pgTable(
  "sms_stats_daily",
  {
    day: date({ mode: "string" }).notNull(),
    /** 0–23: the UTC hour of `day`. */
    hour: smallint().notNull().default(0),
    ...statsFigures(),
  },
  (t) => [index("sms_stats_daily_day_idx").on(t.day)],
);

/**
 * The same figures per whole UTC day (no hour), made by the stats cron from `sms_stats_daily`:
 * the dashboard reads these for the days that lie wholly inside its window, 24 times fewer rows
 * than the hours, and the hours only for the window's first, partial, day.
 */
export const smsStatsDays = pgTable(
  "sms_stats_days",
  {
    day: date({ mode: "string" }).notNull(),
    ...statsFigures(),
  },
  (t) => [index("sms_stats_days_day_idx").on(t.day)],
);

/**
 * Messages per UTC hour and status only, made by the stats cron from `sms_stats_daily`: the
 * dashboard's per-day series needs every hour (the admin's days are cut from hours in any zone
 * but UTC), not the other dimensions.
 */
export const smsStatusHours = pgTable(
  "sms_status_hours",
  {
    day: date({ mode: "string" }).notNull(),
    hour: smallint().notNull(),
    status: smsStatus().notNull(),
    messages: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.hour, t.status] })],
);

/**
 * Time to delivery — from when a text was due to be sent to its delivery (server/dashboard/aggregate.ts)
 * — per UTC hour of request as a histogram (bucket → count), so percentiles over any range add
 * up. Buckets: `latencyBucketSql`.
 */
export const smsLatencyDaily = pgTable(
  "sms_latency_daily",
  {
    day: date({ mode: "string" }).notNull(),
    hour: smallint().notNull().default(0),
    bucket: smallint().notNull(),
    messages: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.hour, t.bucket] })],
);

/** The time-to-delivery histogram per whole UTC day, made from `sms_latency_daily` (see `smsStatsDays`). */
export const smsLatencyDays = pgTable(
  "sms_latency_days",
  {
    day: date({ mode: "string" }).notNull(),
    bucket: smallint().notNull(),
    messages: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.bucket] })],
);

/** Every opt-out and opt-in, whatever its source, for the dashboard's per-day figures and the user's history. */
export const smsOptChanges = pgTable(
  "sms_opt_changes",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text().$type<"opt_out" | "opt_in">().notNull(),
    source: optOutSource().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sms_opt_changes_created_idx").on(t.createdAt)],
);
