import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { column, queryRows } from "@/db/raw-rows";
import { smsCategory, smsHoldReason, smsPriority, smsStatus } from "@/db/schema";
import { reminderStaleReasonSql, STALE_REMINDER_REASONS, type StaleReminderReason } from "../reminders/stale";
import { decideSend, type SendDecision } from "./send-decision";

export const messageStateSchema = z.object({
  status: z.enum(smsStatus.enumValues),
  user_id: z.string(),
  to: z.string().nullable(),
  category: z.enum(smsCategory.enumValues),
  priority: z.enum(smsPriority.enumValues),
  scheduled_for: column.timestamp.nullable(),
  phone_verified_at: column.timestamp.nullable(),
  valid_until: column.timestamp.nullable(),
  held_until: column.timestamp.nullable(),
  hold_reason: z.enum(smsHoldReason.enumValues).nullable(),
  attempt_count: z.coerce.number(),
  /** The digest a `merged` text went out in. */
  merged_into_id: z.string().nullable(),
  template_active: z.boolean(),
  has_preferences: z.boolean(),
  phone: z.string().nullable(),
  pref_verified_at: column.timestamp.nullable(),
  opted_out_at: column.timestamp.nullable(),
  task_reminders: z.boolean().nullable(),
  daily_brief: z.boolean().nullable(),
  urgent_alerts: z.boolean().nullable(),
  quiet_hours_enabled: z.boolean().nullable(),
  quiet_hours_start: z.string().nullable(),
  quiet_hours_end: z.string().nullable(),
  time_zone: z.string().nullable(),
  daily_cap: z.number().nullable(),
  /** A task reminder whose task was completed, deleted or moved (server/reminders/stale.ts). */
  stale_reason: z.enum(STALE_REMINDER_REASONS).nullable(),
});
export type MessageState = z.infer<typeof messageStateSchema>;

/**
 * What a send decision reads: the message (`m`), its template's switch (`t`) and the user's
 * current preferences (`p`). Both places that decide select exactly this — the pipeline before
 * queueing, and dispatch in the very statement that claims the text — so they judge the same facts.
 */
export const MESSAGE_STATE_COLUMNS = sql`
  m.status, m.user_id, m."to", m.category, m.priority, m.scheduled_for, m.phone_verified_at, m.valid_until,
  m.held_until, m.hold_reason, m.attempt_count, m.merged_into_id, coalesce(t.active, true) as template_active,
  p.user_id is not null as has_preferences, p.phone, p.phone_verified_at as pref_verified_at, p.opted_out_at,
  p.task_reminders, p.daily_brief, p.urgent_alerts, p.quiet_hours_enabled, p.quiet_hours_start, p.quiet_hours_end,
  p.time_zone, p.daily_cap, ${reminderStaleReasonSql("m")} as stale_reason`;

export const MESSAGE_STATE_JOINS = sql.raw(`
  left join sms_templates t on t.id = m.template_id
  left join user_sms_preferences p on p.user_id = m.user_id`);

/** The message and what its decision reads, in one round trip; null when there is no such message. */
export async function readMessageState(db: DbOrTx, messageId: string): Promise<MessageState | null> {
  const [row] = await queryRows(
    db,
    sql`select ${MESSAGE_STATE_COLUMNS} from sms_messages m ${MESSAGE_STATE_JOINS} where m.id = ${messageId}::uuid`,
    messageStateSchema,
  );
  return row ?? null;
}

export type Decision =
  | SendDecision
  | { action: "skip"; reason: "expired" }
  | { action: "cancel"; reason: StaleReminderReason };

/**
 * Design §6 on a message's state at `now`, with its deadline: past `valid_until` it is skipped
 * (expired), and a wait that would end at or after it expires it now instead of arriving late. A
 * task reminder whose task was completed, deleted or moved is cancelled with that reason, first:
 * it is not about the user's rules but about the reminder no longer being true.
 */
export function decideForState(state: MessageState, now: Date): Decision {
  if (state.stale_reason) return { action: "cancel", reason: state.stale_reason };
  if (state.valid_until && state.valid_until <= now) return { action: "skip", reason: "expired" };
  const decision = decideSend({
    now,
    message: {
      category: state.category,
      priority: state.priority,
      to: state.to ?? "",
      scheduledFor: state.scheduled_for,
      phoneVerifiedAt: state.phone_verified_at,
      templateActive: state.template_active,
    },
    preferences: preferencesOf(state),
  });
  if (decision.action === "wait" && state.valid_until && decision.until >= state.valid_until) {
    return { action: "skip", reason: "expired" };
  }
  return decision;
}

function preferencesOf(state: MessageState) {
  if (!state.has_preferences) return null;
  return {
    phone: state.phone,
    phoneVerifiedAt: state.pref_verified_at,
    optedOutAt: state.opted_out_at,
    taskReminders: state.task_reminders ?? false,
    dailyBrief: state.daily_brief ?? false,
    urgentAlerts: state.urgent_alerts ?? false,
    quietHoursEnabled: state.quiet_hours_enabled ?? false,
    quietHoursStart: state.quiet_hours_start ?? "21:00",
    quietHoursEnd: state.quiet_hours_end ?? "08:00",
    timeZone: state.time_zone ?? "UTC",
  };
}
