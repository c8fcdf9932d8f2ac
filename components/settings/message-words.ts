import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

type Outputs = inferRouterOutputs<AppRouter>;
type Status = Outputs["messages"]["list"]["items"][number]["status"];
type Source = Outputs["messages"]["get"]["events"][number]["source"];

/** A text's status as its recipient would say it. */
export const STATUS_WORDS: Record<Status, string> = {
  pending: "Waiting",
  scheduled: "Scheduled",
  queued: "About to send",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  undelivered: "Not delivered",
  failed: "Failed",
  cancelled: "Cancelled",
  skipped: "Not sent",
  unknown: "Checking with the carrier",
  merged: "In a digest",
};

export const STATUS_TONE: Record<Status, string> = {
  pending: "bg-slate-50 text-slate-700 ring-slate-200",
  scheduled: "bg-sky-50 text-sky-800 ring-sky-200",
  queued: "bg-sky-50 text-sky-800 ring-sky-200",
  sending: "bg-sky-50 text-sky-800 ring-sky-200",
  sent: "bg-sky-50 text-sky-800 ring-sky-200",
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  undelivered: "bg-red-50 text-red-800 ring-red-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  cancelled: "bg-slate-50 text-slate-700 ring-slate-200",
  skipped: "bg-amber-50 text-amber-800 ring-amber-200",
  unknown: "bg-amber-50 text-amber-800 ring-amber-200",
  merged: "bg-sky-50 text-sky-800 ring-sky-200",
};

/** Timeline steps: Twilio's and our statuses as they happened. */
export const EVENT_WORDS: Record<string, string> = {
  pending: "Waiting to send",
  accepted: "Accepted by Twilio",
  queued: "About to send",
  scheduled: "Scheduled",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  undelivered: "Not delivered",
  failed: "Failed",
  canceled: "Cancelled",
  cancelled: "Cancelled",
  skipped: "Not sent",
  unknown: "Checking with Twilio",
  merged: "Sent in a digest",
};

/** Who reported each step, as the end of "Delivered 3:05 PM, …". */
export const EVENT_SOURCE_WORDS: Record<Source, string> = {
  api: "as Twilio answered our request",
  callback: "as Twilio reported",
  reconcile: "when we checked with Twilio",
  system: "by our text service",
  admin: "by an admin",
};

/** A hold in the timeline: "Held for your quiet hours, until 8:00 AM". */
export const HOLD_WORDS: Record<"scheduled" | "quiet_hours", string> = {
  scheduled: "Held until its send time,",
  quiet_hours: "Held for your quiet hours, until",
};
