import { setTimeout as sleep } from "node:timers/promises";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsMessages } from "@/db/schema";
import type { ServiceContext, SystemActor } from "../service-context";
import { validityPeriodSeconds, type SmsSkipReason } from "./categories";
import type { StaleReminderReason } from "../reminders/stale";
import { cancelClaimed, holdClaimed, markUnknown, recordAccepted, recordFailure, skipClaimed } from "./dispatch-outcomes";
import { decideForState, MESSAGE_STATE_COLUMNS, MESSAGE_STATE_JOINS, messageStateSchema, readMessageState } from "./message-state";
import { ProviderError, type SmsProvider } from "./provider";
import { sendBacklogMs, takeSendSlot } from "./send-pacer";

export type DispatchOutcome =
  | { result: "sent"; sid: string }
  | { result: "not_claimed" } // another worker has it, or it is no longer queued (sent, cancelled, ...)
  | { result: "paced"; retryAfterMs: number } // the send pacer's queue is full: still queued, ask again later
  | { result: "expired" } // its deadline passed while it waited: skipped(expired), never sent late
  | { result: "skipped"; reason: SmsSkipReason } // the decision at the moment of sending said no (opted out, ...)
  | { result: "cancelled"; reason: StaleReminderReason } // a task reminder whose task was done, deleted or moved
  | { result: "held"; until: string; why: "scheduled" | "quiet_hours" } // back to `scheduled`: decide again at `until`
  | { result: "failed"; code: number | undefined; reason: string }
  | { result: "retry"; retryAfterMs: number | undefined; reason: string } // back to queued; the caller retries
  | { result: "unknown"; reason: string }; // may have reached Twilio: reconcile, never re-send blindly

/** Why a message is `unknown` when a retry of the same run finds its send cut off midway. */
export const INTERRUPTED_SEND_REASON = "resumed after an interrupted send";

export interface DispatchRequest {
  messageId: string;
  /**
   * Who is sending: the durable run's id, the same on every retry of the run's step. A retry
   * whose earlier try died after claiming recognises its own claim by it (see resumeOwnClaim).
   */
  claimToken: string;
  /**
   * The moment the pipeline released the text for: the time its decision to queue was made, on
   * the engine's clock (a run woken at the end of quiet hours decides for that end). The claim
   * never judges the text at an earlier moment, so an app whose clock runs behind the engine's —
   * another instance, or the test clock — does not find it still inside quiet hours and hold it
   * again, forever.
   */
  releasedAt?: Date;
}

/** How texts leave: the provider, and the absolute status callback URL (our message id is appended). */
export interface SmsSender {
  provider: Pick<SmsProvider, "send">;
  statusCallbackUrl: string;
  /** The app-wide cap on texts handed to Twilio per second (SMS_MAX_PER_SECOND); see send-pacer.ts. */
  maxPerSecond: number;
  now?: () => Date;
}

const claimSchema = z.discriminatedUnion("is_claimed", [
  z.object({ is_claimed: z.literal(true), body: z.string(), wait_ms: z.coerce.number() }).loose(),
  z.object({ is_claimed: z.literal(false), paced: z.boolean(), backlog_ms: z.coerce.number() }),
]);

/**
 * Claims a queued message (only the claimer sends) and hands it to the provider with a
 * ValidityPeriod, recording what came back. Two round trips on the happy path: the claim (with
 * its event, its send slot and the facts the last decision needs), and the result (with its event).
 *
 * The last decision is taken on what the claim statement read: the user's opt-out, number,
 * categories and quiet hours as they stood when the text was claimed, and its deadline. A STOP
 * that committed before the claim stops it; one after finds it already on its way. A text that
 * may no longer go is skipped, and one that must wait (its quiet hours began, or were changed,
 * while it sat in the dispatch queue) goes back to being held — in both cases before anything
 * reaches Twilio, with its daily-cap slot given back.
 *
 * The claim takes the next slot of the app-wide send pacer in the same statement, and the send
 * waits for it (server/sms/send-pacer.ts): the cap holds when the text leaves, not only when
 * the engine started the run. The slot's time is kept on the `sending` event (`payload.slotAt`).
 * A text that waited for its slot is judged again on a fresh read when the wait ends. When the
 * pacer's queue is longer than MAX_SEND_SLOT_WAIT_MS nothing is claimed and the caller is told
 * to come back (`paced`).
 */
export async function dispatchMessage(
  ctx: ServiceContext<SystemActor>,
  sender: SmsSender,
  request: DispatchRequest,
): Promise<DispatchOutcome> {
  const { db } = ctx;
  const { messageId, claimToken } = request;
  const now = sender.now ?? (() => new Date());
  const at = now();
  const [row] = await executeRows(
    db,
    sql`
    with slot as (${takeSendSlot(messageId, sender.maxPerSecond)}),
    claimed as (
      update sms_messages set status = 'sending', claim_token = ${claimToken}::text, attempt_count = attempt_count + 1,
        updated_at = ${at.toISOString()}::timestamptz
      where id = ${messageId}::uuid and status = 'queued' and exists (select 1 from slot)
      returning id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, payload, created_at)
      select id, 'sending', 'system', true, jsonb_build_object('slotAt', (select send_at from slot)),
        ${at.toISOString()}::timestamptz
      from claimed
    )
    select exists (select 1 from claimed) as is_claimed, m.body, ${MESSAGE_STATE_COLUMNS},
      greatest(0, extract(epoch from ((select send_at from slot) - clock_timestamp())) * 1000) as wait_ms,
      not exists (select 1 from slot) and m.status = 'queued' as paced,
      ${sendBacklogMs} as backlog_ms
    from sms_messages m ${MESSAGE_STATE_JOINS}
    where m.id = ${messageId}::uuid`,
  );
  if (!row) return { result: "not_claimed" };
  const claim = claimSchema.parse(row);
  if (!claim.is_claimed) {
    // Queued, yet the pacer's queue was full: neither a slot nor the claim was taken.
    if (claim.paced) return { result: "paced", retryAfterMs: claim.backlog_ms };
    return resumeOwnClaim(db, request, at);
  }
  let state = messageStateSchema.parse(row);
  // The slot's start, measured on the database's clock after the claim: never sends early.
  if (claim.wait_ms > 0) {
    await sleep(claim.wait_ms);
    state = (await readMessageState(db, messageId)) ?? state;
  }

  // The last decision, at the moment of sending.
  const sendingAt = now();
  // Its send time was judged when the pipeline released it (on the engine's clock, which may run a
  // hair ahead of ours); everything else is judged again now.
  const judgedAt = request.releasedAt && request.releasedAt > sendingAt ? request.releasedAt : sendingAt;
  const decision = decideForState({ ...state, scheduled_for: null }, judgedAt);
  if (decision.action === "cancel") {
    await cancelClaimed(db, request, decision.reason, sendingAt);
    return { result: "cancelled", reason: decision.reason };
  }
  if (decision.action === "skip") {
    await skipClaimed(db, request, decision.reason, sendingAt);
    return decision.reason === "expired" ? { result: "expired" } : { result: "skipped", reason: decision.reason };
  }
  if (decision.action === "wait") {
    await holdClaimed(db, request, decision.until, decision.why, sendingAt);
    return { result: "held", until: decision.until.toISOString(), why: decision.why };
  }
  const validity = validityPeriodSeconds(state.category, state.valid_until, sendingAt);
  if (validity === null || !state.to) {
    await skipClaimed(db, request, "expired", sendingAt);
    return { result: "expired" };
  }

  const callback = new URL(sender.statusCallbackUrl);
  callback.searchParams.set("m", messageId);
  try {
    const sent = await sender.provider.send({
      to: state.to,
      body: claim.body,
      statusCallbackUrl: callback.toString(),
      validityPeriodSeconds: validity,
    });
    await recordAccepted(db, request, sent, now());
    return { result: "sent", sid: sent.sid };
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      // A bug or an outage of ours after the claim: we cannot know whether Twilio got it.
      await markUnknown(db, messageId, error instanceof Error ? error.message : "unexpected error", now(), request);
      throw error;
    }
    return recordFailure(db, { ...request, to: state.to }, error, now());
  }
}

/**
 * The message was not queued. If this run claimed it earlier, this is a retry of a try that never
 * reported back (the process died, or the answer was lost) and the run must say what happened:
 * - still `sending` with no SID: the try died between claiming and recording Twilio's answer, so
 *   the text may have gone out. It becomes `unknown` for reconciliation and is never sent again.
 * - a SID: Twilio took it on that try, so it was sent.
 * - held again, skipped, `unknown` or `failed`: that try's outcome, told again.
 * Another run's claim, or none: not ours to touch.
 */
async function resumeOwnClaim(db: DbOrTx, request: DispatchRequest, at: Date): Promise<DispatchOutcome> {
  const { messageId, claimToken } = request;
  const interrupted = await markUnknown(db, messageId, INTERRUPTED_SEND_REASON, at, { ...request, noSid: true });
  if (interrupted) return { result: "unknown", reason: INTERRUPTED_SEND_REASON };

  const [row] = await db
    .select({
      status: smsMessages.status,
      claimToken: smsMessages.claimToken,
      twilioSid: smsMessages.twilioSid,
      errorCode: smsMessages.errorCode,
      errorMessage: smsMessages.errorMessage,
      failReason: smsMessages.failReason,
      skipReason: smsMessages.skipReason,
      heldUntil: smsMessages.heldUntil,
      holdReason: smsMessages.holdReason,
    })
    .from(smsMessages)
    .where(eq(smsMessages.id, messageId));
  if (!row || row.claimToken !== claimToken) return { result: "not_claimed" };
  if (row.twilioSid) return { result: "sent", sid: row.twilioSid };
  if (row.status === "unknown") return { result: "unknown", reason: row.errorMessage ?? INTERRUPTED_SEND_REASON };
  if (row.status === "failed") {
    return { result: "failed", code: row.errorCode ?? undefined, reason: row.failReason ?? row.errorMessage ?? "failed" };
  }
  if (row.status === "scheduled" && row.heldUntil && row.holdReason) {
    return { result: "held", until: row.heldUntil.toISOString(), why: row.holdReason };
  }
  if (row.status === "skipped" && row.skipReason) {
    return row.skipReason === "expired" ? { result: "expired" } : { result: "skipped", reason: row.skipReason };
  }
  return { result: "not_claimed" };
}
