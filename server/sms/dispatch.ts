import { and, eq, isNull, sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { optOutNumber } from "./inbound";
import { ProviderError, type SentMessage, type SmsProvider } from "./provider";
import { STATUS_RANK, statusFromTwilio, statusRankSql } from "./status";

export type DispatchOutcome =
  | { result: "sent"; sid: string }
  | { result: "not_claimed" } // another worker has it, or it is no longer queued
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

export interface DispatchDeps {
  db: DbOrTx;
  provider: Pick<SmsProvider, "send">;
  /** Absolute status callback URL; our message id is appended so early callbacks find the row. */
  statusCallbackUrl: string;
  now?: () => Date;
}

/**
 * Claims a queued message (only the claimer sends) and hands it to the provider, recording
 * what came back. Two round trips on the happy path: the claim, and the result.
 */
export async function dispatchMessage(deps: DispatchDeps, request: DispatchRequest): Promise<DispatchOutcome> {
  const now = deps.now ?? (() => new Date());
  const { messageId, claimToken } = request;
  const [claimed] = await deps.db
    .update(smsMessages)
    .set({ status: "sending", claimToken, attemptCount: sql`${smsMessages.attemptCount} + 1`, updatedAt: now() })
    .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "queued")))
    .returning({ to: smsMessages.to, body: smsMessages.body });
  if (!claimed) return resumeOwnClaim(deps.db, request, now());

  const callback = new URL(deps.statusCallbackUrl);
  callback.searchParams.set("m", messageId);
  try {
    const sent = await deps.provider.send({ to: claimed.to, body: claimed.body, statusCallbackUrl: callback.toString() });
    await recordAccepted(deps.db, messageId, sent, now());
    return { result: "sent", sid: sent.sid };
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      // A bug or an outage of ours after the claim: we cannot know whether Twilio got it.
      await markUnknown(deps.db, messageId, error instanceof Error ? error.message : "unexpected error", now());
      throw error;
    }
    return recordFailure(deps.db, messageId, claimed.to, error, now());
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
    select id, ${sent.status}::text, 'api', true, ${at.toISOString()}::timestamptz from updated
    on conflict (message_id, status) do nothing`,
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
    await db
      .update(smsMessages)
      .set({ status: "queued", errorCode: error.code ?? null, errorMessage: error.reason, updatedAt: at })
      .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "sending")));
    return { result: "retry", retryAfterMs: error.retryAfterMs, reason: error.reason };
  }
  if (error.kind === "ambiguous") {
    await markUnknown(db, messageId, error.reason, at);
    return { result: "unknown", reason: error.reason };
  }
  await db.transaction(async (tx) => {
    await tx
      .update(smsMessages)
      .set({ status: "failed", errorCode: error.code ?? null, errorMessage: error.reason, failReason: error.reason, updatedAt: at })
      .where(eq(smsMessages.id, messageId));
    await tx
      .insert(smsMessageEvents)
      .values({ messageId, status: "failed", source: "api", errorCode: error.code ?? null, createdAt: at })
      .onConflictDoNothing();
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

/**
 * Ends a message that could not be handed to Twilio after every retry (429/5xx throughout).
 * Only a message still queued is touched: one that went out meanwhile keeps its real status.
 */
export async function giveUpOnMessage(db: DbOrTx, messageId: string, reason: string, at = new Date()) {
  const failReason = `not accepted by Twilio after retries: ${reason}`;
  const [updated] = await db
    .update(smsMessages)
    .set({ status: "failed", failReason, errorMessage: failReason, updatedAt: at })
    .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "queued")))
    .returning({ id: smsMessages.id });
  if (updated) {
    await db
      .insert(smsMessageEvents)
      .values({ messageId, status: "failed", source: "system", createdAt: at })
      .onConflictDoNothing();
  }
  return Boolean(updated);
}
