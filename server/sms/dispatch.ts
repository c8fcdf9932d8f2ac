import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsCategory, smsMessageEvents, smsMessages } from "@/db/schema";
import type { ServiceContext, SystemActor } from "../service-context";
import { validityPeriodSeconds } from "./categories";
import { plainFailureReason } from "./error-reasons";
import { optOutNumber } from "./inbound";
import { ProviderError, type SentMessage, type SmsProvider } from "./provider";
import { sendBacklogMs, takeSendSlot } from "./send-pacer";
import { STATUS_RANK, statusFromTwilio, statusRankSql } from "./status-rank";

export type DispatchOutcome =
  | { result: "sent"; sid: string }
  | { result: "not_claimed" } // another worker has it, or it is no longer queued (sent, cancelled, ...)
  | { result: "paced"; retryAfterMs: number } // the send pacer's queue is full: still queued, ask again later
  | { result: "expired" } // its deadline passed while it waited: skipped(expired), never sent late
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
  z.object({
    is_claimed: z.literal(true),
    to: z.string(),
    body: z.string(),
    category: z.enum(smsCategory.enumValues),
    valid_until: z.union([z.string(), z.date()]).nullable(),
    wait_ms: z.coerce.number(),
  }),
  z.object({ is_claimed: z.literal(false), paced: z.boolean(), backlog_ms: z.coerce.number() }),
]);

/**
 * Claims a queued message (only the claimer sends) and hands it to the provider with a
 * ValidityPeriod, recording what came back. Two round trips on the happy path: the claim (with
 * its event and its send slot), and the result (with its event).
 *
 * The claim takes the next slot of the app-wide send pacer in the same statement, and the send
 * waits for it (server/sms/send-pacer.ts): the cap holds when the text leaves, not only when
 * the engine started the run. The slot's time is kept on the `sending` event (`payload.slotAt`).
 * When the pacer's queue is longer than MAX_SEND_SLOT_WAIT_MS nothing is claimed and the caller
 * is told to come back (`paced`).
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
      returning id, "to", body, category, valid_until
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, payload, created_at)
      select id, 'sending', 'system', true, jsonb_build_object('slotAt', (select send_at from slot)),
        ${at.toISOString()}::timestamptz
      from claimed
    )
    select claimed.id is not null as is_claimed, "to", body, category, valid_until,
      greatest(0, extract(epoch from ((select send_at from slot) - clock_timestamp())) * 1000) as wait_ms,
      not exists (select 1 from slot)
        and exists (select 1 from sms_messages where id = ${messageId}::uuid and status = 'queued') as paced,
      ${sendBacklogMs} as backlog_ms
    from (select 1) as one left join claimed on true`,
  );
  const claim = claimSchema.parse(row);
  if (!claim.is_claimed) {
    // Queued, yet the pacer's queue was full: neither a slot nor the claim was taken.
    if (claim.paced) return { result: "paced", retryAfterMs: claim.backlog_ms };
    return resumeOwnClaim(db, request, at);
  }
  // The slot's start, measured on the database's clock after the claim: never sends early.
  if (claim.wait_ms > 0) await sleep(claim.wait_ms);

  // Checked at the moment of sending, after any wait for the slot.
  const sendingAt = now();
  const validity = validityPeriodSeconds(claim.category, claim.valid_until ? new Date(claim.valid_until) : null, sendingAt);
  if (validity === null) {
    await markExpired(db, messageId, sendingAt);
    return { result: "expired" };
  }

  const callback = new URL(sender.statusCallbackUrl);
  callback.searchParams.set("m", messageId);
  try {
    const sent = await sender.provider.send({
      to: claim.to,
      body: claim.body,
      statusCallbackUrl: callback.toString(),
      validityPeriodSeconds: validity,
    });
    await recordAccepted(db, messageId, sent, now());
    return { result: "sent", sid: sent.sid };
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      // A bug or an outage of ours after the claim: we cannot know whether Twilio got it.
      await markUnknown(db, messageId, error instanceof Error ? error.message : "unexpected error", now());
      throw error;
    }
    return recordFailure(db, messageId, claim.to, error, now());
  }
}

/**
 * The message was not queued. If this run claimed it earlier, this is a retry of a try that never
 * reported back (the process died, or the answer was lost) and the run must say what happened:
 * - still `sending` with no SID: the try died between claiming and recording Twilio's answer, so
 *   the text may have gone out. It becomes `unknown` for reconciliation and is never sent again.
 * - a SID: Twilio took it on that try, so it was sent.
 * - `unknown` or `failed`: that try's outcome, told again.
 * Another run's claim, or none: not ours to touch.
 */
async function resumeOwnClaim(db: DbOrTx, { messageId, claimToken }: DispatchRequest, at: Date): Promise<DispatchOutcome> {
  const interrupted = await markUnknown(db, messageId, INTERRUPTED_SEND_REASON, at, { claimToken });
  if (interrupted) return { result: "unknown", reason: INTERRUPTED_SEND_REASON };

  const [row] = await db
    .select({
      status: smsMessages.status,
      claimToken: smsMessages.claimToken,
      twilioSid: smsMessages.twilioSid,
      errorCode: smsMessages.errorCode,
      errorMessage: smsMessages.errorMessage,
      failReason: smsMessages.failReason,
    })
    .from(smsMessages)
    .where(eq(smsMessages.id, messageId));
  if (!row || row.claimToken !== claimToken) return { result: "not_claimed" };
  if (row.twilioSid) return { result: "sent", sid: row.twilioSid };
  if (row.status === "unknown") return { result: "unknown", reason: row.errorMessage ?? INTERRUPTED_SEND_REASON };
  if (row.status === "failed") {
    return { result: "failed", code: row.errorCode ?? undefined, reason: row.failReason ?? row.errorMessage ?? "failed" };
  }
  return { result: "not_claimed" };
}

/** Stores the SID and Twilio's first status without moving back a status a fast callback already set. */
async function recordAccepted(db: DbOrTx, messageId: string, sent: SentMessage, at: Date) {
  const status = statusFromTwilio(sent.status) ?? "queued";
  await executeRows(
    db,
    sql`
    with updated as (
      update sms_messages set
        twilio_sid = coalesce(twilio_sid, ${sent.sid}::text),
        status = case when ${statusRankSql(sql`status`)} < ${STATUS_RANK[status]} then ${status}::sms_status else status end,
        segments = coalesce(${sent.numSegments || null}::int, segments),
        price = coalesce(${sent.price}::numeric, price),
        price_unit = coalesce(${sent.priceUnit}::text, price_unit),
        updated_at = ${at.toISOString()}::timestamptz
      where id = ${messageId}::uuid
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, created_at)
    select id, ${sent.status}::text, 'api', true, ${at.toISOString()}::timestamptz from updated`,
  );
}

async function recordFailure(
  db: DbOrTx,
  messageId: string,
  to: string,
  error: ProviderError,
  at: Date,
): Promise<DispatchOutcome> {
  if (error.kind === "retryable") {
    await executeRows(
      db,
      sql`
      with requeued as (
        update sms_messages set status = 'queued', error_code = ${error.code ?? null}::int, error_message = ${error.reason},
          updated_at = ${at.toISOString()}::timestamptz
        where id = ${messageId}::uuid and status = 'sending'
        returning id
      )
      insert into sms_message_events (message_id, status, source, applied, error_code, payload, created_at)
      select id, 'queued', 'api', true, ${error.code ?? null}::int,
        jsonb_build_object('retry', true, 'reason', ${error.reason}::text), ${at.toISOString()}::timestamptz
      from requeued`,
    );
    return { result: "retry", retryAfterMs: error.retryAfterMs, reason: error.reason };
  }
  if (error.kind === "ambiguous") {
    await markUnknown(db, messageId, error.reason, at);
    return { result: "unknown", reason: error.reason };
  }
  const failReason = plainFailureReason(error.code) ?? error.reason;
  await db.transaction(async (tx) => {
    await tx
      .update(smsMessages)
      .set({ status: "failed", errorCode: error.code ?? null, errorMessage: error.reason, failReason, updatedAt: at })
      .where(eq(smsMessages.id, messageId));
    await tx.insert(smsMessageEvents).values({ messageId, status: "failed", source: "api", errorCode: error.code ?? null, createdAt: at });
    // Twilio refuses texts to numbers that replied STOP; keep our own list in step with it.
    if (error.code === 21610) await optOutNumber(tx, to, "twilio_21610", at);
  });
  return { result: "failed", code: error.code, reason: error.reason };
}

/**
 * `sending` → `unknown`, with its event. With a claim token, only that claim's message still
 * without a SID (a send cut off before Twilio's answer was recorded). Returns whether it changed.
 */
async function markUnknown(db: DbOrTx, messageId: string, reason: string, at: Date, only?: { claimToken: string }) {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(smsMessages)
      .set({ status: "unknown", errorMessage: reason, updatedAt: at })
      .where(
        and(
          eq(smsMessages.id, messageId),
          eq(smsMessages.status, "sending"),
          only ? and(eq(smsMessages.claimToken, only.claimToken), isNull(smsMessages.twilioSid)) : undefined,
        ),
      )
      .returning({ id: smsMessages.id });
    if (!updated) return false;
    await tx
      .insert(smsMessageEvents)
      .values({ messageId, status: "unknown", source: "system", applied: true, createdAt: at })
      .onConflictDoNothing();
    return true;
  });
}

async function markExpired(db: DbOrTx, messageId: string, at: Date) {
  await executeRows(
    db,
    sql`
    with expired as (
      update sms_messages set status = 'skipped', skip_reason = 'expired', updated_at = ${at.toISOString()}::timestamptz
      where id = ${messageId}::uuid and status = 'sending'
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, payload, created_at)
    select id, 'skipped', 'system', true, '{"skipReason":"expired"}'::jsonb, ${at.toISOString()}::timestamptz from expired`,
  );
}

/**
 * Ends a message that could not be handed to Twilio after every retry (429/5xx throughout).
 * Only a message still queued is touched: one that went out meanwhile keeps its real status.
 */
export async function giveUpOnMessage(ctx: ServiceContext<SystemActor>, messageId: string, reason: string, at = new Date()) {
  const failReason = `not accepted by Twilio after retries: ${reason}`;
  const [updated] = await ctx.db
    .update(smsMessages)
    .set({ status: "failed", failReason, errorMessage: failReason, updatedAt: at })
    .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "queued")))
    .returning({ id: smsMessages.id });
  if (updated) {
    await ctx.db.insert(smsMessageEvents).values({ messageId, status: "failed", source: "system", createdAt: at });
  }
  return Boolean(updated);
}
