import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { TEXT_LIMITS } from "../../common/limits";
import { users } from "./auth";
import { optOutSource } from "./enums";

export const userSmsPreferences = pgTable(
  "user_sms_preferences",
  {
    userId: text()
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /** E.164; written only by the server after Twilio Verify approves. */
    phone: text(),
    phoneVerifiedAt: timestamp({ withTimezone: true }),
    /** Number awaiting a code; becomes `phone` only on approval. */
    pendingPhone: text(),
    pendingPhoneSentAt: timestamp({ withTimezone: true }),
    taskReminders: boolean().notNull().default(true),
    dailyBrief: boolean().notNull().default(false),
    urgentAlerts: boolean().notNull().default(true),
    quietHoursEnabled: boolean().notNull().default(true),
    /** Local wall-clock "HH:MM" in `timeZone`; a window may wrap midnight. */
    quietHoursStart: text().notNull().default("21:00"),
    quietHoursEnd: text().notNull().default("08:00"),
    timeZone: text().notNull().default("America/New_York"),
    dailyCap: integer().notNull().default(10),
    dailyBriefTime: text().notNull().default("08:00"),
    optedOutAt: timestamp({ withTimezone: true }),
    optOutSource: optOutSource(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("user_sms_preferences_time_zone_length", sql`char_length(${t.timeZone}) <= ${sql.raw(String(TEXT_LIMITS.timeZone))}`),
    check(
      "user_sms_preferences_local_times",
      sql`${t.quietHoursStart} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${t.quietHoursEnd} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${t.dailyBriefTime} ~ '^[0-2][0-9]:[0-5][0-9]$'`,
    ),
  ],
);
