import type { userSmsPreferences } from "@/db/schema";
import { categoryEnabled, type SmsCategory, type SmsPriority, type SmsSkipReason } from "./categories";
import { quietHoursEnd } from "./quiet-hours";

/** Why the decision drops a text (the other skip reasons, daily_cap and invalid_vars, are decided elsewhere). */
export type SkipReason = Extract<SmsSkipReason, "opted_out" | "unverified" | "category_off" | "template_inactive">;

export type SendDecision =
  | { action: "skip"; reason: SkipReason }
  | { action: "wait"; until: Date; why: "scheduled" | "quiet_hours" }
  | { action: "send" };

type PreferencesRow = typeof userSmsPreferences.$inferSelect;

export interface DecisionInput {
  now: Date;
  message: {
    category: SmsCategory;
    priority: SmsPriority;
    /** The number the message was requested for, and that number's verification time, as snapshotted then. */
    to: string;
    scheduledFor: Date | null;
    phoneVerifiedAt: Date | null;
    templateActive: boolean;
  };
  /** The user's current preferences (a full row will do); null when the user never set any. */
  preferences: null | Pick<
    PreferencesRow,
    | "phone"
    | "phoneVerifiedAt"
    | "optedOutAt"
    | "taskReminders"
    | "dailyBrief"
    | "urgentAlerts"
    | "quietHoursEnabled"
    | "quietHoursStart"
    | "quietHoursEnd"
    | "timeZone"
  >;
}

/**
 * Design §6 steps 1–5, with no I/O, so the durable function can ask before sending and again
 * after every sleep (the user may have opted out, changed number or switched a category off
 * while it slept). First match wins:
 * 1. opted out → skip(opted_out), whatever the category: nothing goes to a number that said STOP.
 * 2. no preferences, no verified phone, or the phone or its verification time differ from what
 *    the message snapshotted (re-verified, or changed number) → skip(unverified).
 * 3. template switched off → skip(template_inactive).
 * 4. category switched off → skip(category_off); `account` texts have no switch.
 * 5. scheduled for later → wait(scheduled).
 * 6. inside quiet hours → wait(quiet_hours) until the window ends, except `urgent` texts (the
 *    point of them) and `account` texts (the user just asked for them, e.g. the opt-in
 *    confirmation after verifying at 23:00 — holding it till morning would look broken).
 * 7. send.
 * The daily cap comes after this (it reserves, so it must be the last check before sending).
 */
export function decideSend({ now, message, preferences }: DecisionInput): SendDecision {
  if (preferences?.optedOutAt) return { action: "skip", reason: "opted_out" };
  if (!preferences || !sameVerifiedPhone(message, preferences)) return { action: "skip", reason: "unverified" };
  if (!message.templateActive) return { action: "skip", reason: "template_inactive" };
  if (!categoryEnabled(message.category, preferences)) return { action: "skip", reason: "category_off" };
  if (message.scheduledFor && message.scheduledFor.getTime() > now.getTime()) {
    return { action: "wait", until: message.scheduledFor, why: "scheduled" };
  }
  if (preferences.quietHoursEnabled && !bypassesQuietHours(message)) {
    const until = quietHoursEnd(now, {
      start: preferences.quietHoursStart,
      end: preferences.quietHoursEnd,
      timeZone: preferences.timeZone,
    });
    if (until) return { action: "wait", until, why: "quiet_hours" };
  }
  return { action: "send" };
}

/** Urgent texts and account texts go at any hour. */
function bypassesQuietHours(message: { category: SmsCategory; priority: SmsPriority }): boolean {
  return message.priority === "urgent" || message.category === "account";
}

function sameVerifiedPhone(
  message: DecisionInput["message"],
  preferences: NonNullable<DecisionInput["preferences"]>,
): boolean {
  const { phone, phoneVerifiedAt } = preferences;
  if (!phone || !phoneVerifiedAt || !message.phoneVerifiedAt) return false;
  return message.to === phone && message.phoneVerifiedAt.getTime() === phoneVerifiedAt.getTime();
}
