import { createUpdateSchema } from "drizzle-zod";
import { IANAZone } from "luxon";
import { z } from "zod";
import { REMINDER_LEAD_MINUTES, userSmsPreferences } from "@/db/schema";

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use 24-hour HH:MM, for example 21:30");

export const timeZoneSchema = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), "Choose a time zone from the list (an IANA name such as America/Chicago)");

export const DAILY_CAP_MAX = 50;

/**
 * What a user may change on their own preferences, derived from the table. Phone, verification
 * and opt-out state are left out on purpose: only the server writes them.
 */
export const preferencesUpdateSchema = createUpdateSchema(userSmsPreferences, {
  quietHoursStart: localTime.optional(),
  quietHoursEnd: localTime.optional(),
  dailyBriefTime: localTime.optional(),
  timeZone: timeZoneSchema.optional(),
  dailyCap: z
    .number({ message: "Daily limit must be a number" })
    .int("Daily limit must be a whole number")
    .min(1, "Daily limit must be at least 1")
    .max(DAILY_CAP_MAX, `Daily limit can be at most ${DAILY_CAP_MAX}`)
    .optional(),
  reminderLeadMinutes: z
    .number({ message: "Reminder lead time must be a number of minutes" })
    .int("Reminder lead time must be a whole number of minutes")
    .min(REMINDER_LEAD_MINUTES.min, `Remind me at least ${REMINDER_LEAD_MINUTES.min} minutes before`)
    .max(REMINDER_LEAD_MINUTES.max, `Remind me at most ${REMINDER_LEAD_MINUTES.max / 60} hours before`)
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
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.quietHoursStart && value.quietHoursEnd && value.quietHoursStart === value.quietHoursEnd) {
      ctx.addIssue({ code: "custom", path: ["quietHoursEnd"], message: "Quiet hours must end at a different time than they start" });
    }
  });

export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;
