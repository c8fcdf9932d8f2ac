import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { REMINDER_LEAD_MINUTES, SNOOZE_MINUTES, TEXT_LIMITS } from "../../common/limits";
import { users } from "./auth";
import { optInSource, optOutSource } from "./enums";

export const userSmsPreferences = pgTable(
  "user_sms_preferences",
  {
    userId: text()
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /**
     * E.164, written only by the server (server/verification). Sending a code to a new number
     * replaces this one and clears `phoneVerifiedAt`: the old number gets nothing more.
     */
    phone: text(),
    /** Set only after Twilio Verify approved a code for `phone`. */
    phoneVerifiedAt: timestamp({ withTimezone: true }),
    /** When the current Verify verification of `phone` began (Twilio expires it 10 minutes later). */
    verificationStartedAt: timestamp({ withTimezone: true }),
    /** When the last code was sent (the resend countdown runs from here). */
    codeSentAt: timestamp({ withTimezone: true }),
    taskReminders: boolean().notNull().default(true),
    dailyBrief: boolean().notNull().default(false),
    urgentAlerts: boolean().notNull().default(true),
    quietHoursEnabled: boolean().notNull().default(true),
    /** Local wall-clock "HH:MM" in `timeZone`; a window may wrap midnight. */
    quietHoursStart: text().notNull().default("21:00"),
    quietHoursEnd: text().notNull().default("08:00"),
    timeZone: text().notNull().default("America/New_York"),
    /** Null until the browser's zone was adopted or the user chose one: the default is only a placeholder. */
    timeZoneSetAt: timestamp({ withTimezone: true }),
    dailyCap: integer().notNull().default(10),
    dailyBriefTime: text().notNull().default("08:00"),
    /** How long before a task is due its reminder goes out. */
    reminderLeadMinutes: integer().notNull().default(REMINDER_LEAD_MINUTES.default),
    /** Replies DONE and SNOOZE act on the reminder they answer (server/sms/reply-actions). */
    actOnReplies: boolean().notNull().default(true),
    /** Two or more texts held through quiet hours go out as one digest when they end (server/sms/digest). */
    digestAfterQuietHours: boolean().notNull().default(true),
    /** How long a bare SNOOZE pushes a reminder back. */
    snoozeMinutes: integer().notNull().default(SNOOZE_MINUTES.default),
    optedOutAt: timestamp({ withTimezone: true }),
    optOutSource: optOutSource(),
    /** The last opt-back-in (START from the phone, or the settings page), shown until the next opt-out. */
    optedInAt: timestamp({ withTimezone: true }),
    optInSource: optInSource(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("user_sms_preferences_time_zone_length", sql`char_length(${t.timeZone}) <= ${sql.raw(String(TEXT_LIMITS.timeZone))}`),
    check(
      "user_sms_preferences_local_times",
      sql`${t.quietHoursStart} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${t.quietHoursEnd} ~ '^[0-2][0-9]:[0-5][0-9]$' and ${t.dailyBriefTime} ~ '^[0-2][0-9]:[0-5][0-9]$'`,
    ),
    check(
      "user_sms_preferences_reminder_lead",
      sql`${t.reminderLeadMinutes} between ${sql.raw(String(REMINDER_LEAD_MINUTES.min))} and ${sql.raw(String(REMINDER_LEAD_MINUTES.max))}`,
    ),
    check(
      "user_sms_preferences_snooze_minutes",
      sql`${t.snoozeMinutes} between ${sql.raw(String(SNOOZE_MINUTES.min))} and ${sql.raw(String(SNOOZE_MINUTES.max))}`,
    ),
    // The daily brief sweep: per zone, a range of local brief times, in keyset order.
    index("user_sms_preferences_brief_idx")
      .on(t.timeZone, t.dailyBriefTime, t.userId)
      .where(sql`${t.dailyBrief}`),
  ],
);
