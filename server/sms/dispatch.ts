import { and, eq, sql } from "drizzle-orm";
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
export async function dispatchMessage(deps: DispatchDeps, messageId: string): Promise<DispatchOutcome> {
  const now = deps.now ?? (() => new Date());
  const [claimed] = await deps.db
    .update(smsMessages)
    .set({ status: "sending", attemptCount: sql`${smsMessages.attemptCount} + 1`, updatedAt: now() })
    .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "queued")))
    .returning({ to: smsMessages.to, body: smsMessages.body });
  if (!claimed) return { result: "not_claimed" };

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

async function markUnknown(db: DbOrTx, messageId: string, reason: string, at: Date) {
  await db
    .update(smsMessages)
    .set({ status: "unknown", errorMessage: reason, updatedAt: at })
    .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "sending")));
  await db
    .insert(smsMessageEvents)
    .values({ messageId, status: "unknown", source: "system", applied: true, createdAt: at })
    .onConflictDoNothing();
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
