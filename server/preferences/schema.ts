import { createUpdateSchema } from "drizzle-zod";
import { z } from "zod";
import { userSmsPreferences } from "@/db/schema";
import { DAILY_CAP_MAX, TEXT_LIMITS } from "@/common/limits";
import { canonicalTimeZone } from "./time-zone";

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use 24-hour HH:MM, for example 21:30");

const timeZoneMessage = "Choose a time zone from the list (an IANA name such as America/Chicago)";

/** A time zone as typed, stored under its canonical IANA name (`america/new_york` → `America/New_York`). */
const timeZoneSchema = z
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
 * and opt-out state are left out on purpose: only the server writes them. Rules that need the
 * stored row too (quiet hours must not start and end at the same time) live in the service.
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
  })
  .strict();

export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;
