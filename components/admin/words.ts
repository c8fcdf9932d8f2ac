/** How the admin console names statuses, reasons, categories and sources (one place for the UI). */

export const STATUS_TONE: Record<string, string> = {
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
};

export const SKIP_REASONS: Record<string, string> = {
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

export const CATEGORIES: Record<string, string> = {
  task_reminders: "Task reminders",
  daily_brief: "Daily brief",
  urgent_alerts: "Urgent alerts",
  account: "Account",
};

export const EVENT_SOURCES: Record<string, string> = {
  api: "API",
  callback: "Twilio callback",
  reconcile: "reconciliation",
  system: "pipeline",
  admin: "admin",
};

export const OPT_SOURCES: Record<string, string> = {
  keyword: "replied STOP",
  settings: "in settings",
  twilio_21610: "Twilio 21610 (blocked)",
};

export const TERMINAL_STATUSES = ["delivered", "undelivered", "failed", "cancelled", "skipped"];

export const words = (table: Record<string, string>, key: string | null | undefined) => (key ? (table[key] ?? key.replaceAll("_", " ")) : "");
