import type { smsCategory, smsPriority, smsSkipReason, userSmsPreferences } from "@/db/schema";

export type SmsCategory = (typeof smsCategory.enumValues)[number];
export type SmsPriority = (typeof smsPriority.enumValues)[number];
export type SmsSkipReason = (typeof smsSkipReason.enumValues)[number];

type PreferencesRow = typeof userSmsPreferences.$inferSelect;
export type CategorySwitch = "taskReminders" | "dailyBrief" | "urgentAlerts";

/**
 * The preference that switches each category on and off — the one place that says so.
 * `account` texts (verification, opt-in confirmation) have none: the user asked for them.
 */
export const CATEGORY_PREFERENCE = {
  task_reminders: "taskReminders",
  daily_brief: "dailyBrief",
  urgent_alerts: "urgentAlerts",
  account: null,
} as const satisfies Record<SmsCategory, (CategorySwitch & keyof PreferencesRow) | null>;

/** Whether the user currently wants texts of this category. */
export function categoryEnabled(category: SmsCategory, preferences: Pick<PreferencesRow, CategorySwitch>): boolean {
  const key = CATEGORY_PREFERENCE[category];
  return key === null || preferences[key];
}
