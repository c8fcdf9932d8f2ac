import { CANCELLED_REASON, UNKNOWN_REASON } from "@/common/message-reasons";
import type { smsSkipReason, smsStatus } from "@/db/schema";
import { plainFailureReason } from "../sms/error-reasons";

type SkipReason = (typeof smsSkipReason.enumValues)[number];
type Status = (typeof smsStatus.enumValues)[number];

/** Why a text was not sent, in words its recipient understands. */
const SKIP_WORDS: Record<SkipReason, string> = {
  opted_out: "You had stopped texts.",
  unverified: "Your phone number was not verified, or it changed after this text was asked for.",
  category_off: "You had turned this kind of text off.",
  daily_cap: "Your daily limit of texts was reached.",
  template_inactive: "This kind of text is switched off for now.",
  invalid_vars: "The text could not be filled in.",
  expired: "It could no longer arrive in time to be useful.",
  task_done: "The task was completed before the reminder went out.",
  task_moved: "The task was rescheduled; a reminder for its new time replaces this one.",
  task_deleted: "The task was deleted before the reminder went out.",
};

const MERGED_REASON = "Held through your quiet hours, then sent in one digest with your other held texts.";

/**
 * The reason shown beside a text that was not delivered (skipped, failed, undelivered,
 * cancelled, or its outcome not known yet), or null for the others. A
 * failure's reason is the plain-words one the pipeline recorded (server/sms/error-reasons.ts),
 * or read from its Twilio code for rows recorded without one.
 */
export function plainReason(message: {
  status: Status;
  skipReason: SkipReason | null;
  errorCode: number | null;
  failReason: string | null;
}): string | null {
  if (message.status === "merged") return MERGED_REASON;
  if (message.status === "skipped") return message.skipReason ? SKIP_WORDS[message.skipReason] : "It was not needed any more.";
  if (message.status === "unknown") return UNKNOWN_REASON;
  // A reminder the task service (or the send path) called off because its task changed says why.
  if (message.status === "cancelled") return message.skipReason ? SKIP_WORDS[message.skipReason] : CANCELLED_REASON;
  if (message.status !== "failed" && message.status !== "undelivered") return null;
  return message.failReason ?? plainFailureReason(message.errorCode) ?? "The carrier did not say why.";
}
