import { sql } from "drizzle-orm";
import { dispatchMessageJob } from "../jobs/definitions";
import type { ServiceContext, SystemActor } from "../service-context";
import type { SmsPriority, SmsSkipReason } from "./categories";
import { countsTowardDailyCap, reserveAndQueue } from "./daily-cap";
import { mergeHeldIntoDigest } from "./digest/merge";
import { endUnsent, failUnsent } from "./end-unsent";
import { decideForState, readMessageState, type MessageState } from "./message-state";
import type { StaleReminderReason } from "../reminders/stale";
import type { SmsStatus } from "./status-rank";

/** What the durable send function does next with a message. */
export type NextStep =
  | { next: "wait"; until: string; why: "scheduled" | "quiet_hours" }
  | { next: "done"; status: SmsStatus; reason?: SmsSkipReason };

/** A decision that may also leave the text queued for dispatch. */
export type QueueStep = NextStep | { next: "queued"; priority: SmsPriority; attemptCount: number };

/** Statuses the pipeline still owns; anything else was decided elsewhere (cancelled, sent, ...). */
const HOLDABLE = ["pending", "scheduled"] as const satisfies readonly SmsStatus[];

/**
 * One turn of design §6 for a requested text, with the user's preferences as they are now:
 * skip it (with its reason), hold it (`scheduled`, with when and why, for the caller to sleep
 * on), or reserve its daily-cap slot and mark it `queued` — one statement (daily-cap.ts). Called
 * by send-sms after every sleep, and by dispatch-message when a text it was about to send had to
 * go back to being held, so an opt-out, a new number, a category switched off or new quiet hours
 * take effect on waking. A text woken at the end of quiet hours with others held beside it goes
 * out with them in one digest (server/sms/digest/merge.ts).
 *
 * Safe to repeat (the engine may re-run a step whose answer was lost): every write is
 * conditional on the status it expects, and a message already queued is reported as queued
 * without a second reservation.
 */
export async function decideAndQueue(ctx: ServiceContext<SystemActor>, messageId: string, now: Date): Promise<QueueStep> {
  const state = await readMessageState(ctx.db, messageId);
  if (!state) return { next: "done", status: "cancelled" };
  if (state.status === "queued") return { next: "queued", priority: state.priority, attemptCount: state.attempt_count };
  if (state.status === "merged" && state.merged_into_id) return sendDigest(ctx, state.merged_into_id, now);
  if (!(HOLDABLE as readonly SmsStatus[]).includes(state.status)) return { next: "done", status: state.status };

  const decision = decideForState(state, now);
  if (decision.action === "cancel") return cancelStale(ctx, messageId, decision.reason, now);
  if (decision.action === "skip") return skip(ctx, messageId, decision.reason, now);
  if (decision.action === "wait") {
    await hold(ctx, messageId, state, decision.until, decision.why, now);
    return { next: "wait", until: decision.until.toISOString(), why: decision.why };
  }
  if (state.status === "scheduled" && state.hold_reason === "quiet_hours") {
    const digestId = await mergeHeldIntoDigest(ctx.db, messageId, now);
    if (digestId) return sendDigest(ctx, digestId, now);
  }

  const cap = countsTowardDailyCap(state);
  const queued = await reserveAndQueue(ctx.db, {
    messageId,
    userId: state.user_id,
    timeZone: state.time_zone ?? "UTC",
    cap: state.daily_cap ?? 0,
    at: now,
    counts: cap.counts,
    refusable: cap.refusable,
  });
  if (queued.queued) return { next: "queued", priority: state.priority, attemptCount: state.attempt_count };
  if (queued.refused) return skip(ctx, messageId, "daily_cap", now);
  // Cancelled (or otherwise taken) between our read and our write.
  const after = await readMessageState(ctx.db, messageId);
  if (after?.status === "queued") return { next: "queued", priority: after.priority, attemptCount: after.attempt_count };
  return { next: "done", status: after?.status ?? "cancelled" };
}

/**
 * decideAndQueue, then hands a queued text to dispatch-message, where the throughput cap and
 * priority apply. The hand-off's event id names the message and its claim count, so the engine
 * drops a repeated hand-off, while a text that went back to the queue after a claim (reconciled,
 * recovered) is handed off afresh.
 */
export async function advanceMessage(ctx: ServiceContext<SystemActor>, messageId: string, now: Date): Promise<NextStep> {
  const step = await decideAndQueue(ctx, messageId, now);
  if (step.next !== "queued") return step;
  await dispatchMessageJob.trigger(
    ctx.jobs,
    { messageId, priority: step.priority, releasedAt: now.toISOString() },
    { id: `${messageId}:dispatch${step.attemptCount > 0 ? `:${step.attemptCount}` : ""}` },
  );
  return { next: "done", status: "queued" };
}

/**
 * A text that went into a digest is done; the digest goes its own way from here: decided, capped
 * once and handed to dispatch like any text. Every run of a merged text hands it off again (the
 * event id makes that one dispatch), so a hand-off lost to a crash is made by the next run.
 */
async function sendDigest(ctx: ServiceContext<SystemActor>, digestId: string, now: Date): Promise<QueueStep> {
  await advanceMessage(ctx, digestId, now);
  return { next: "done", status: "merged" };
}

/**
 * The moment a decision is made for: now, but never before the end of the sleep it follows. The
 * engine wakes a run at or after its time; a few milliseconds of clock skew between the engine
 * and this app must not read as "still inside quiet hours" and start another sleep.
 */
export function decisionTime(now: Date, sleptUntil: string | null): Date {
  if (!sleptUntil) return now;
  const woke = new Date(sleptUntil);
  return woke > now ? woke : now;
}

/**
 * A send run that failed for good (the engine's onFailure) must not leave its text pending or
 * scheduled for ever: it ends failed with the run's error, and gives back any cap slot.
 */
export async function failHeldMessage(ctx: ServiceContext<SystemActor>, messageId: string, error: string, at = new Date()) {
  return failUnsent(ctx.db, messageId, `could not be sent: its send run failed (${error.slice(0, 300)})`, at);
}

async function skip(ctx: ServiceContext<SystemActor>, messageId: string, reason: SmsSkipReason, now: Date): Promise<NextStep> {
  const ended = await endUnsent(ctx.db, {
    messageId,
    from: HOLDABLE,
    to: "skipped",
    set: [sql`skip_reason = ${reason}::sms_skip_reason`, sql`held_until = null`, sql`hold_reason = null`],
    event: { status: "skipped", source: "system", payload: { skipReason: reason } },
    at: now,
  });
  if (ended.changed) return { next: "done", status: "skipped", reason };
  const after = await readMessageState(ctx.db, messageId);
  return { next: "done", status: after?.status ?? "cancelled" };
}

/** A task reminder whose task changed before it left: cancelled with the reason (task_done, task_moved, task_deleted). */
async function cancelStale(ctx: ServiceContext<SystemActor>, messageId: string, reason: StaleReminderReason, now: Date): Promise<NextStep> {
  const ended = await endUnsent(ctx.db, {
    messageId,
    from: HOLDABLE,
    to: "cancelled",
    set: [sql`skip_reason = ${reason}::sms_skip_reason`, sql`held_until = null`, sql`hold_reason = null`],
    event: { status: "cancelled", source: "system", payload: { reason } },
    at: now,
  });
  if (ended.changed) return { next: "done", status: "cancelled", reason };
  const after = await readMessageState(ctx.db, messageId);
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
  await endUnsent(ctx.db, {
    messageId,
    from: HOLDABLE,
    to: "scheduled",
    set: [sql`held_until = ${until.toISOString()}::timestamptz`, sql`hold_reason = ${why}::sms_hold_reason`],
    event: { status: "scheduled", source: "system", payload: { heldUntil: until.toISOString(), holdReason: why } },
    at: now,
  });
}
