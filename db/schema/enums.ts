import { pgEnum } from "drizzle-orm/pg-core";
import { PRIORITIES } from "../../common/limits";

export const userRole = pgEnum("user_role", ["user", "admin"]);

/** What kind of text a message is; users switch categories on and off (account texts always go). */
export const smsCategory = pgEnum("sms_category", ["task_reminders", "daily_brief", "urgent_alerts", "account"]);

export const smsPriority = pgEnum("sms_priority", PRIORITIES);

/** Lifecycle from design §5. `unknown` = Twilio call outcome ambiguous, left for reconciliation. */
export const smsStatus = pgEnum("sms_status", [
  "pending",
  "scheduled",
  "queued",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  "cancelled",
  "skipped",
  "unknown",
  /** Held through quiet hours and sent inside a digest with the user's other held texts (`merged_into_id`). */
  "merged",
]);

export const smsSkipReason = pgEnum("sms_skip_reason", [
  "opted_out",
  "unverified",
  "category_off",
  "daily_cap",
  "template_inactive",
  "invalid_vars",
  /** The text's validity ended before it could be sent (it would only have arrived late). */
  "expired",
  /**
   * A task reminder whose task changed before it left (status `cancelled` with one of these):
   * completed, rescheduled (a reminder for the new time replaces it), or deleted.
   */
  "task_done",
  "task_moved",
  "task_deleted",
]);

/** Why a message is held (`scheduled`): its own send time, or the user's quiet hours. */
export const smsHoldReason = pgEnum("sms_hold_reason", ["scheduled", "quiet_hours"]);

/** Who caused a status change: our Twilio API call, a Twilio callback, reconciliation, the pipeline, an admin. */
export const smsEventSource = pgEnum("sms_event_source", ["api", "callback", "reconcile", "system", "admin"]);

export const optOutSource = pgEnum("opt_out_source", ["keyword", "settings", "twilio_21610"]);

/** How a user turned texts back on: START (or YES, UNSTOP) from the phone, or the settings page. */
export const optInSource = pgEnum("opt_in_source", ["keyword", "settings"]);

export const inboundKeyword = pgEnum("inbound_keyword", ["stop", "start", "help", "none"]);

/**
 * What a reply that was not a keyword did (server/sms/reply-actions): completed or snoozed the
 * task of the reminder it answered, asked which reminder was meant, or why it changed nothing.
 */
export const inboundOutcome = pgEnum("inbound_outcome", [
  "completed",
  "snoozed",
  "asked_which",
  "already_done",
  "task_deleted",
  "past_due",
  "no_reminder",
  "replies_off",
  "not_understood",
  /** A snooze understood but refused by the request path (reminders off, cap reached, number gone). */
  "snooze_refused",
]);

/** How a task was completed: in the app, or by replying DONE to its reminder. */
export const taskCompletedVia = pgEnum("task_completed_via", ["app", "text"]);

export const taskPriority = pgEnum("task_priority", PRIORITIES);

/**
 * Why a verification code was not sent or checked, as the admin dashboard counts them: our
 * line-type check (Lookup) and Twilio Verify's fraud, geography and attempt refusals.
 * server/verification/refusals.ts maps Twilio's codes to these and words them.
 */
export const verificationRefusalReason = pgEnum("verification_refusal_reason", [
  "landline",
  "fixed_voip",
  "toll_free",
  "fraud_guard",
  "geo_permission",
  "max_sends",
  "max_checks",
  "invalid_number",
  "busy",
]);
