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

/**
 * What a text of each category gets when its caller says nothing. One home for these rules:
 * the request service, the send path and the docs all read them from here.
 *
 * - priority: urgent alerts jump the send queue; account texts (welcome, security) come next;
 *   a daily brief can wait behind everything else.
 * - validity: how long a text may sit in Twilio's sender queue before it is useless
 *   (Twilio's `ValidityPeriod`; past it the text fails with 30036 instead of arriving late).
 *   A caller with a real deadline (a task reminder: the task's due time) passes `validUntil`,
 *   and the shorter of the two applies.
 */
export const CATEGORY_DEFAULTS: Readonly<Record<SmsCategory, { priority: SmsPriority; validitySeconds: number }>> = {
  urgent_alerts: { priority: "urgent", validitySeconds: 4 * 3600 },
  account: { priority: "high", validitySeconds: 10 * 3600 },
  task_reminders: { priority: "normal", validitySeconds: 2 * 3600 },
  daily_brief: { priority: "low", validitySeconds: 4 * 3600 },
};

/** Twilio's bounds for ValidityPeriod (seconds); 36,000 = its 10-hour sender queue. */
export const VALIDITY_PERIOD_MIN_SECONDS = 1;
export const VALIDITY_PERIOD_MAX_SECONDS = 36_000;

/**
 * The ValidityPeriod to send with now, or null when the text's deadline has passed (or is under
 * Twilio's one-second minimum), so it must not be sent at all.
 */
export function validityPeriodSeconds(category: SmsCategory, validUntil: Date | null, now: Date): number | null {
  const byCategory = CATEGORY_DEFAULTS[category].validitySeconds;
  const byDeadline = validUntil ? Math.floor((validUntil.getTime() - now.getTime()) / 1000) : Infinity;
  const seconds = Math.min(byCategory, byDeadline, VALIDITY_PERIOD_MAX_SECONDS);
  return seconds < VALIDITY_PERIOD_MIN_SECONDS ? null : seconds;
}

/**
 * Engine priority (Inngest `priority.run`: seconds a run moves ahead in the queue, ±600) for each
 * priority, and the CEL expression the dispatch function registers with it.
 */
export const PRIORITY_QUEUE_SECONDS: Readonly<Record<SmsPriority, number>> = { urgent: 600, high: 300, normal: 0, low: -300 };

export function priorityRunExpression(): string {
  const { urgent, high, low } = PRIORITY_QUEUE_SECONDS;
  return `event.data.priority == 'urgent' ? ${urgent} : (event.data.priority == 'high' ? ${high} : (event.data.priority == 'low' ? ${low} : 0))`;
}
