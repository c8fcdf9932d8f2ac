import type { inferRouterOutputs } from "@trpc/server";
import { CANCELLED_REASON, UNKNOWN_REASON } from "@/common/message-reasons";
import { FINAL_STATUSES } from "@/common/message-status";
import type { AppRouter } from "@/server/trpc/root";

/**
 * How the admin console names statuses, reasons, categories and sources (one place for the UI).
 * Keyed by the admin router's own output types, like the settings page's words: a status or
 * reason the server adds fails the typecheck here until it has words.
 */
type Outputs = inferRouterOutputs<AppRouter>["admin"];
type AdminMessage = Outputs["messages"]["get"];
type Status = AdminMessage["status"];
type SkipReason = NonNullable<AdminMessage["skipReason"]>;
type HoldReason = NonNullable<AdminMessage["holdReason"]>;
type Category = AdminMessage["category"];
type EventSource = AdminMessage["events"][number]["source"];
type OptSource = NonNullable<Outputs["users"]["items"][number]["optOutSource"]>;
/** Statuses only Twilio reports (its events keep them as received). */
type TwilioOnlyStatus = "accepted" | "read" | "canceled";

/** Statuses (and the Twilio statuses events record) in plain words. */
export const STATUS_WORDS: Record<Status | TwilioOnlyStatus, string> = {
  pending: "Waiting to send",
  scheduled: "Held",
  queued: "About to send",
  accepted: "Accepted by Twilio",
  sending: "Sending",
  sent: "Sent, not yet delivered",
  delivered: "Delivered",
  read: "Read",
  undelivered: "Not delivered",
  failed: "Failed",
  canceled: "Cancelled at Twilio",
  cancelled: "Cancelled",
  skipped: "Not sent",
  unknown: "Checking with Twilio",
  merged: "Sent in a digest",
};

export const HOLD_REASONS: Record<HoldReason, string> = {
  scheduled: "until its send time",
  quiet_hours: "for the user's quiet hours",
};

export const STATUS_TONE: Record<Status, string> = {
  pending: "bg-slate-100 text-slate-700",
  scheduled: "bg-sky-100 text-sky-800",
  queued: "bg-sky-100 text-sky-800",
  sending: "bg-sky-100 text-sky-800",
  sent: "bg-indigo-100 text-indigo-800",
  delivered: "bg-emerald-100 text-emerald-800",
  undelivered: "bg-amber-100 text-amber-900",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-200 text-slate-700",
  skipped: "bg-slate-200 text-slate-700",
  unknown: "bg-amber-100 text-amber-900",
  merged: "bg-indigo-100 text-indigo-800",
};

export const SKIP_REASONS: Record<SkipReason, string> = {
  opted_out: "opted out",
  unverified: "no verified number",
  category_off: "category switched off",
  daily_cap: "daily limit reached",
  template_inactive: "template inactive",
  invalid_vars: "variables did not render",
  expired: "expired before it could go",
  task_done: "task completed first",
  task_moved: "task rescheduled",
  task_deleted: "task deleted",
};

export const CATEGORIES: Record<Category, string> = {
  task_reminders: "Task reminders",
  daily_brief: "Daily brief",
  urgent_alerts: "Urgent alerts",
  account: "Account",
};

/** Who caused an event, as "… by X". */
export const EVENT_SOURCES: Record<EventSource, string> = {
  api: "Twilio's answer to our request",
  callback: "Twilio's status report",
  reconcile: "our later check with Twilio",
  system: "our text service",
  admin: "an admin",
};

export const OPT_SOURCES: Record<OptSource, string> = {
  keyword: "replied STOP",
  settings: "in settings",
  twilio_21610: "Twilio 21610 (blocked)",
};

/** Where following a text stops (the server's final statuses). */
export const TERMINAL_STATUSES: readonly string[] = FINAL_STATUSES;

export const statusTone = (status: string) => (STATUS_TONE as Readonly<Record<string, string>>)[status] ?? "bg-slate-100 text-slate-700";

export const words = (table: Readonly<Record<string, string>>, key: string | null | undefined) => (key ? (table[key] ?? key.replaceAll("_", " ")) : "");

/**
 * Why a text is where it is, for every state short of delivered that needs one; null when the
 * status says it all (on its way, delivered).
 */
export function statusReason(m: {
  status: string;
  skipReason: string | null;
  errorMeaning: string | null;
  errorMessage: string | null;
  failReason: string | null;
}): string | null {
  switch (m.status) {
    case "skipped":
      return `Not sent: ${words(SKIP_REASONS, m.skipReason) || "no longer needed"}. Nothing went to Twilio.`;
    case "unknown":
      return UNKNOWN_REASON;
    case "cancelled":
      return CANCELLED_REASON;
    case "failed":
    case "undelivered":
      return m.failReason ?? m.errorMeaning ?? m.errorMessage ?? "Twilio did not say why.";
    default:
      return null;
  }
}
