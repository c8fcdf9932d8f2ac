import { createUpdateSchema } from "drizzle-zod";
import { z } from "zod";
import { userSmsPreferences } from "@/db/schema";
import { DAILY_CAP_MAX, DAILY_CAP_MIN, REMINDER_LEAD_MINUTES, SNOOZE_MINUTES, TEXT_LIMITS } from "@/common/limits";
import { canonicalTimeZone } from "@/common/time-zones";

/** A local wall-clock time; `label` is the form's label, so the message names the field the user sees. */
const localTime = (label: string) =>
  z.string({ message: `${label} must be a time such as 21:30` }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${label} must be a time such as 21:30`);

const timeZoneMessage = "Time zone must be one from the list, such as America/Chicago";

/** A time zone as typed or detected, stored under its current IANA name (`Asia/Calcutta` → `Asia/Kolkata`). */
export const timeZoneSchema = z
  .string({ message: timeZoneMessage })
  .max(TEXT_LIMITS.timeZone, timeZoneMessage)
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (canonical) return canonical;
    ctx.addIssue({ code: "custom", message: timeZoneMessage });
    return z.NEVER;
  });

/**
 * What a user may change on their own preferences, derived from the table. Phone, verification
 * and opt-out state are left out on purpose: only the server writes them (server/verification).
 * Rules that need the stored row too (quiet hours must not start and end at the same time)
 * live in the service.
 */
export const preferencesUpdateSchema = createUpdateSchema(userSmsPreferences, {
  quietHoursStart: localTime("Quiet hours start").optional(),
  quietHoursEnd: localTime("Quiet hours end").optional(),
  dailyBriefTime: localTime("Daily brief time").optional(),
  timeZone: timeZoneSchema.optional(),
  dailyCap: z
    .number({ message: "Daily limit must be a number" })
    .int("Daily limit must be a whole number")
    .min(DAILY_CAP_MIN, `Daily limit must be at least ${DAILY_CAP_MIN}`)
    .max(DAILY_CAP_MAX, `Daily limit can be at most ${DAILY_CAP_MAX}`)
    .optional(),
  reminderLeadMinutes: z
    .number({ message: "Reminder lead time must be a number of minutes" })
    .int("Reminder lead time must be a whole number of minutes")
    .min(REMINDER_LEAD_MINUTES.min, `Reminder lead time must be at least ${REMINDER_LEAD_MINUTES.min} minutes`)
    .max(REMINDER_LEAD_MINUTES.max, `Reminder lead time can be at most ${REMINDER_LEAD_MINUTES.max} minutes (${REMINDER_LEAD_MINUTES.max / 60} hours)`)
    .optional(),
  snoozeMinutes: z
    .number({ message: "Snooze length must be a number of minutes" })
    .int("Snooze length must be a whole number of minutes")
    .min(SNOOZE_MINUTES.min, `Snooze length must be at least ${SNOOZE_MINUTES.min} minutes`)
    .max(SNOOZE_MINUTES.max, `Snooze length can be at most ${SNOOZE_MINUTES.max} minutes (${SNOOZE_MINUTES.max / 60} hours)`)
    .optional(),
})
  .pick({
    taskReminders: true,
    dailyBrief: true,
    urgentAlerts: true,
    quietHoursEnabled: true,
    quietHoursStart: true,
    quietHoursEnd: true,
    timeZone: true,
    dailyCap: true,
    dailyBriefTime: true,
    reminderLeadMinutes: true,
    actOnReplies: true,
    snoozeMinutes: true,
    digestAfterQuietHours: true,
  })
  .strict();

export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;

/** The zone the browser reports (kept only while the user has not chosen one). */
export const detectedTimeZoneSchema = z.object({ timeZone: timeZoneSchema }).strict();
