import { date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { verificationRefusalReason } from "./enums";

/** Texts reserved per user per local calendar day: a new day is a new row, so nothing needs resetting. */
export const smsDailyCounters = pgTable(
  "sms_daily_counters",
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    localDate: date({ mode: "string" }).notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.localDate] })],
);

/**
 * The app-wide send pacer (GCRA on one row per sender pool): the earliest moment the next text
 * may be handed to Twilio. A dispatch takes its slot in the same statement as its claim, on the
 * database's clock, so the throughput cap holds at the moment of sending for every app instance
 * even when the engine's calls arrive bunched. See server/sms/send-pacer.ts.
 */
export const smsSendPacer = pgTable("sms_send_pacer", {
  id: text().primaryKey(),
  nextAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Rate-limit counters shared by every app instance: sign-in and sign-up per client, failed
 * sign-ins per account, and anything that can make us send a text (verification per user,
 * number, IP). One row per key; its window starts at the first hit. See server/rate-limit.ts.
 */
export const rateLimitBuckets = pgTable(
  "rate_limit_buckets",
  {
    key: text().primaryKey(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [index("rate_limit_buckets_window_idx").on(t.windowStart)],
);

/**
 * One row per verification refused by the line-type check or by Twilio Verify (fraud, geography,
 * attempts): the dashboard shows how many, by reason, so an admin sees pumping attempts and
 * misconfigured geo permissions. No user or number is kept.
 */
export const verificationRefusals = pgTable(
  "verification_refusals",
  {
    id: uuid().primaryKey().defaultRandom(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    reason: verificationRefusalReason().notNull(),
    /** Twilio's error code when Twilio refused (60410…); null for our own line-type check. */
    twilioCode: integer(),
  },
  (t) => [index("verification_refusals_occurred_idx").on(t.occurredAt)],
);
