import { sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsCategory, smsHoldReason, smsPriority, smsStatus } from "@/db/schema";
import { dispatchMessageJob } from "../jobs/definitions";
import type { ServiceContext, SystemActor } from "../service-context";
import type { SmsPriority, SmsSkipReason } from "./categories";
import { countsTowardDailyCap, releaseDailySlot, reserveDailySlot } from "./daily-cap";
import { decideSend } from "./send-decision";
import type { SmsStatus } from "./status-rank";

/** What the durable send function does next with a message. */
export type NextStep =
  | { next: "wait"; until: string; why: "scheduled" | "quiet_hours" }
  | { next: "done"; status: SmsStatus; reason?: SmsSkipReason };

const isoOrDate = z.union([z.string(), z.date()]).transform((v) => new Date(v));
const stateSchema = z.object({
  status: z.enum(smsStatus.enumValues),
  user_id: z.string(),
  to: z.string().nullable(),
  category: z.enum(smsCategory.enumValues),
  priority: z.enum(smsPriority.enumValues),
  scheduled_for: isoOrDate.nullable(),
  phone_verified_at: isoOrDate.nullable(),
  valid_until: isoOrDate.nullable(),
  held_until: isoOrDate.nullable(),
  hold_reason: z.enum(smsHoldReason.enumValues).nullable(),
  template_active: z.boolean(),
  has_preferences: z.boolean(),
  phone: z.string().nullable(),
  pref_verified_at: isoOrDate.nullable(),
  opted_out_at: isoOrDate.nullable(),
  task_reminders: z.boolean().nullable(),
  daily_brief: z.boolean().nullable(),
  urgent_alerts: z.boolean().nullable(),
  quiet_hours_enabled: z.boolean().nullable(),
  quiet_hours_start: z.string().nullable(),
  quiet_hours_end: z.string().nullable(),
  time_zone: z.string().nullable(),
  daily_cap: z.number().nullable(),
});
type MessageState = z.infer<typeof stateSchema>;

/** Statuses the pipeline still owns; anything else was decided elsewhere (cancelled, sent, ...). */
const HOLDABLE: readonly SmsStatus[] = ["pending", "scheduled"];

/**
 * One turn of design §6 for a requested text: decide with the user's preferences as they are
 * now, then act on it — skip it (with its reason), hold it (`scheduled`, with when and why, for
 * the function to sleep on), or reserve the daily cap, mark it `queued` and hand it to the
 * throttled dispatch function (its event id is derived from the message, so the engine drops a
 * repeated hand-off). The function
 * calls this again after every sleep, so an opt-out, a new number, a category switched off or
 * new quiet hours take effect on waking.
 *
 * Safe to repeat (the engine may re-run a step whose answer was lost): every write is
 * conditional on the status it expects, and a message already queued is handed on again
 * without a second reservation. Round trips on the way to dispatch: read, reserve, queue.
 */
export async function advanceMessage(ctx: ServiceContext<SystemActor>, messageId: string, now: Date): Promise<NextStep> {
  const state = await readState(ctx.db, messageId);
  if (!state) return { next: "done", status: "cancelled" };
  if (state.status === "queued") return handOff(ctx, messageId, state.priority);
  if (!HOLDABLE.includes(state.status)) return { next: "done", status: state.status };

  if (state.valid_until && state.valid_until <= now) return skip(ctx, messageId, "expired", now);
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

  if (decision.action === "skip") return skip(ctx, messageId, decision.reason, now);
  if (decision.action === "wait") {
    // Held past its deadline it would only arrive late: expire it now instead.
    if (state.valid_until && decision.until >= state.valid_until) return skip(ctx, messageId, "expired", now);
    await hold(ctx, messageId, state, decision.until, decision.why, now);
    return { next: "wait", until: decision.until.toISOString(), why: decision.why };
  }

  const cap = countsTowardDailyCap(state);
  let reservedOn: string | null = null;
  if (cap.counts) {
    const slot = await reserveDailySlot(ctx.db, {
      userId: state.user_id,
      timeZone: state.time_zone ?? "UTC",
      cap: state.daily_cap ?? 0,
      at: now,
      refusable: cap.refusable,
    });
    if (!slot.reserved) return skip(ctx, messageId, "daily_cap", now);
    reservedOn = slot.localDate;
  }
  if (await markQueued(ctx, messageId, now)) return handOff(ctx, messageId, state.priority);
  // Cancelled (or otherwise taken) between our read and our write: give the slot back.
  if (reservedOn) await releaseDailySlot(ctx.db, { userId: state.user_id, localDate: reservedOn });
  const after = await readState(ctx.db, messageId);
  return { next: "done", status: after?.status ?? "cancelled" };
}

/** Hands a queued text to dispatch-message, where the throughput cap and priority apply. */
async function handOff(ctx: ServiceContext<SystemActor>, messageId: string, priority: SmsPriority): Promise<NextStep> {
  await dispatchMessageJob.trigger(ctx.jobs, { messageId, priority }, { id: `${messageId}:dispatch` });
  return { next: "done", status: "queued" };
}

/** The message, its template's switch and the user's current preferences, in one round trip. */
async function readState(db: DbOrTx, messageId: string): Promise<MessageState | null> {
  const [row] = await executeRows(
    db,
    sql`
    select m.status, m.user_id, m."to", m.category, m.priority, m.scheduled_for, m.phone_verified_at, m.valid_until,
      m.held_until, m.hold_reason, coalesce(t.active, true) as template_active, p.user_id is not null as has_preferences,
      p.phone, p.phone_verified_at as pref_verified_at, p.opted_out_at, p.task_reminders, p.daily_brief, p.urgent_alerts,
      p.quiet_hours_enabled, p.quiet_hours_start, p.quiet_hours_end, p.time_zone, p.daily_cap
    from sms_messages m
    left join sms_templates t on t.id = m.template_id
    left join user_sms_preferences p on p.user_id = m.user_id
    where m.id = ${messageId}::uuid`,
  );
  return row ? stateSchema.parse(row) : null;
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

async function skip(ctx: ServiceContext<SystemActor>, messageId: string, reason: SmsSkipReason, now: Date): Promise<NextStep> {
  const at = now.toISOString();
  const [row] = await executeRows<{ id: string }>(
    ctx.db,
    sql`
    with skipped as (
      update sms_messages set status = 'skipped', skip_reason = ${reason}::sms_skip_reason, held_until = null, hold_reason = null,
        updated_at = ${at}::timestamptz
      where id = ${messageId}::uuid and status in ('pending', 'scheduled')
      returning id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, payload, created_at)
      select id, 'skipped', 'system', true, jsonb_build_object('skipReason', ${reason}::text), ${at}::timestamptz from skipped
    )
    select id from skipped`,
  );
  if (row) return { next: "done", status: "skipped", reason };
  const after = await readState(ctx.db, messageId);
  return { next: "done", status: after?.status ?? "cancelled" };
}

/** Shows the message as `scheduled` with when and why; writes nothing when that is already so. */
async function hold(
  ctx: ServiceContext<SystemActor>,
  messageId: string,
  state: MessageState,
  until: Date,
  why: "scheduled" | "quiet_hours",
  now: Date,
) {
  if (state.status === "scheduled" && state.hold_reason === why && state.held_until?.getTime() === until.getTime()) return;
  const at = now.toISOString();
  await executeRows(
    ctx.db,
    sql`
    with held as (
      update sms_messages set status = 'scheduled', held_until = ${until.toISOString()}::timestamptz,
        hold_reason = ${why}::sms_hold_reason, updated_at = ${at}::timestamptz
      where id = ${messageId}::uuid and status in ('pending', 'scheduled')
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, payload, created_at)
    select id, 'scheduled', 'system', true,
      jsonb_build_object('heldUntil', ${until.toISOString()}::text, 'holdReason', ${why}::text), ${at}::timestamptz
    from held`,
  );
}

async function markQueued(ctx: ServiceContext<SystemActor>, messageId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const rows = await executeRows<{ id: string }>(
    ctx.db,
    sql`
    with queued as (
      update sms_messages set status = 'queued', held_until = null, hold_reason = null, updated_at = ${at}::timestamptz
      where id = ${messageId}::uuid and status in ('pending', 'scheduled')
      returning id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, created_at)
      select id, 'queued', 'system', true, ${at}::timestamptz from queued
    )
    select id from queued`,
  );
  return rows.length > 0;
}
