import { IANAZone } from "luxon";
import { z } from "zod";

const localTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use 24-hour HH:MM, for example 21:30");

export const timeZoneSchema = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), "Choose a time zone from the list (an IANA name such as America/Chicago)");

export const DAILY_CAP_MAX = 50;

/** What a user may change on their own preferences. Phone and opt-out state are not here on purpose. */
export const preferencesUpdateSchema = z
  .object({
    taskReminders: z.boolean(),
    dailyBrief: z.boolean(),
    urgentAlerts: z.boolean(),
    quietHoursEnabled: z.boolean(),
    quietHoursStart: localTime,
    quietHoursEnd: localTime,
    timeZone: timeZoneSchema,
    dailyCap: z
      .number({ message: "Daily limit must be a number" })
      .int("Daily limit must be a whole number")
      .min(1, "Daily limit must be at least 1")
      .max(DAILY_CAP_MAX, `Daily limit can be at most ${DAILY_CAP_MAX}`),
    dailyBriefTime: localTime,
  })
  .partial()
  .strict()
  .superRefine((value, ctx) => {
    if (value.quietHoursStart && value.quietHoursEnd && value.quietHoursStart === value.quietHoursEnd) {
      ctx.addIssue({
        code: "custom",
        path: ["quietHoursEnd"],
        message: "Quiet hours must end at a different time than they start",
      });
    }
  });

export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;
