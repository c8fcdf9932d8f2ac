import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsCategory, smsMessageEvents, smsMessages } from "@/db/schema";
import type { ServiceContext, SystemActor } from "../service-context";
import { validityPeriodSeconds } from "./categories";
import { plainFailureReason } from "./error-reasons";
import { optOutNumber } from "./inbound";
import { ProviderError, type SentMessage, type SmsProvider } from "./provider";
import { STATUS_RANK, statusFromTwilio, statusRankSql } from "./status";

export type DispatchOutcome =
  | { result: "sent"; sid: string }
  | { result: "not_claimed" } // another worker has it, or it is no longer queued (sent, cancelled, ...)
  | { result: "expired" } // its deadline passed while it waited: skipped(expired), never sent late
  | { result: "failed"; code: number | undefined; reason: string }
  | { result: "retry"; retryAfterMs: number | undefined; reason: string } // back to queued; the caller retries
  | { result: "unknown"; reason: string }; // may have reached Twilio: reconcile, never re-send blindly

/** How texts leave: the provider, and the absolute status callback URL (our message id is appended). */
export interface SmsSender {
  provider: Pick<SmsProvider, "send">;
  statusCallbackUrl: string;
  now?: () => Date;
}

const claimedSchema = z.object({
  to: z.string(),
  body: z.string(),
  category: z.enum(smsCategory.enumValues),
  valid_until: z.union([z.string(), z.date()]).nullable(),
});

/**
 * Claims a queued message (only the claimer sends) and hands it to the provider with a
 * ValidityPeriod, recording what came back. Two round trips on the happy path: the claim (with
 * its event), and the result (with its event).
 */
export async function dispatchMessage(
  ctx: ServiceContext<SystemActor>,
  sender: SmsSender,
  messageId: string,
): Promise<DispatchOutcome> {
  const { db } = ctx;
  const now = sender.now ?? (() => new Date());
  const at = now();
  const [row] = await executeRows(
    db,
    sql`
    with claimed as (
      update sms_messages set status = 'sending', attempt_count = attempt_count + 1, updated_at = ${at.toISOString()}::timestamptz
      where id = ${messageId}::uuid and status = 'queued'
      returning id, "to", body, category, valid_until
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, created_at)
      select id, 'sending', 'system', true, ${at.toISOString()}::timestamptz from claimed
    )
    select "to", body, category, valid_until from claimed`,
  );
  if (!row) return { result: "not_claimed" };
  const claimed = claimedSchema.parse(row);

  const validity = validityPeriodSeconds(claimed.category, claimed.valid_until ? new Date(claimed.valid_until) : null, at);
  if (validity === null) {
    await markExpired(db, messageId, at);
    return { result: "expired" };
  }

  const callback = new URL(sender.statusCallbackUrl);
  callback.searchParams.set("m", messageId);
  try {
    const sent = await sender.provider.send({
      to: claimed.to,
      body: claimed.body,
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
    return recordFailure(db, messageId, claimed.to, error, now());
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

async function markUnknown(db: DbOrTx, messageId: string, reason: string, at: Date) {
  const [updated] = await db
    .update(smsMessages)
    .set({ status: "unknown", errorMessage: reason, updatedAt: at })
    .where(and(eq(smsMessages.id, messageId), eq(smsMessages.status, "sending")))
    .returning({ id: smsMessages.id });
  if (updated) {
    await db.insert(smsMessageEvents).values({ messageId, status: "unknown", source: "system", createdAt: at });
  }
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
