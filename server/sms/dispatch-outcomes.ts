import { and, eq, isNull, sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import type { StaleReminderReason } from "../reminders/stale";
import type { ServiceContext, SystemActor } from "../service-context";
import type { SmsSkipReason } from "./categories";
import { endUnsent, failUnsent } from "./end-unsent";
import { plainFailureReason } from "./error-reasons";
import { optOutNumber } from "./inbound";
import type { ProviderError, SentMessage } from "./provider";
import { STATUS_RANK, statusFromTwilio, statusRankSql } from "./status-rank";

/**
 * What dispatch writes after its claim, one function per outcome. Each write checks the status
 * (and, for a claimed text, the claim token) it expects, so a late or repeated try never
 * overwrites what another path decided; each ending without Twilio taking the text goes through
 * endUnsent, which gives back its daily-cap slot exactly once.
 */

/** The claim this outcome belongs to. */
interface Claim {
  messageId: string;
  claimToken: string;
}

const ours = (claim: Claim) => sql`m.claim_token = ${claim.claimToken}::text`;

/** Stores the SID and Twilio's first status without moving back a status a fast callback already set. */
export async function recordAccepted(db: DbOrTx, claim: Claim, sent: SentMessage, at: Date) {
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
      where id = ${claim.messageId}::uuid and claim_token = ${claim.claimToken}::text
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, created_at)
    select id, ${sent.status}::text, 'api', true, ${at.toISOString()}::timestamptz from updated`,
  );
}

/**
 * Twilio refused the text. Retryable (429, 5xx, never reached): back to `queued` with its slot,
 * for the engine to retry. Ambiguous (the request may have arrived): `unknown`, for
 * reconciliation. Permanent: `failed` with a plain reason, the slot given back (Twilio took
 * nothing); a 21610 also marks the number opted out, in the same transaction.
 */
export async function recordFailure(db: DbOrTx, claim: Claim & { to: string }, error: ProviderError, at: Date) {
  if (error.kind === "retryable") {
    await executeRows(
      db,
      sql`
      with requeued as (
        update sms_messages set status = 'queued', error_code = ${error.code ?? null}::int, error_message = ${error.reason},
          updated_at = ${at.toISOString()}::timestamptz
        where id = ${claim.messageId}::uuid and status = 'sending' and claim_token = ${claim.claimToken}::text
        returning id
      )
      insert into sms_message_events (message_id, status, source, applied, error_code, payload, created_at)
      select id, 'queued', 'api', true, ${error.code ?? null}::int,
        jsonb_build_object('retry', true, 'reason', ${error.reason}::text), ${at.toISOString()}::timestamptz
      from requeued`,
    );
    return { result: "retry" as const, retryAfterMs: error.retryAfterMs, reason: error.reason };
  }
  if (error.kind === "ambiguous") {
    await markUnknown(db, claim.messageId, error.reason, at, claim);
    return { result: "unknown" as const, reason: error.reason };
  }
  const failReason = plainFailureReason(error.code) ?? error.reason;
  await db.transaction(async (tx) => {
    await endUnsent(tx, {
      messageId: claim.messageId,
      from: ["sending"],
      where: ours(claim),
      to: "failed",
      set: [
        sql`error_code = ${error.code ?? null}::int`,
        sql`error_message = ${error.reason}::text`,
        sql`fail_reason = ${failReason}::text`,
      ],
      event: { status: "failed", source: "api", errorCode: error.code ?? null },
      at,
    });
    // Twilio refuses texts to numbers that replied STOP; keep our own list in step with it.
    if (error.code === 21610) await optOutNumber(tx, claim.to, "twilio_21610", at);
  });
  return { result: "failed" as const, code: error.code, reason: error.reason };
}

/**
 * `sending` → `unknown`, with its event. With a claim, only that claim's message, and (for an
 * interrupted try) only while it has no SID: a send cut off before Twilio's answer was recorded.
 * The slot stays taken: the text may have gone out. Returns whether it changed.
 */
export async function markUnknown(db: DbOrTx, messageId: string, reason: string, at: Date, only?: Claim & { noSid?: boolean }) {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(smsMessages)
      .set({ status: "unknown", errorMessage: reason, updatedAt: at })
      .where(
        and(
          eq(smsMessages.id, messageId),
          eq(smsMessages.status, "sending"),
          only ? eq(smsMessages.claimToken, only.claimToken) : undefined,
          only?.noSid ? isNull(smsMessages.twilioSid) : undefined,
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

/** The claimed text may not go after all (the decision at the moment of sending): skipped, slot given back. */
export async function skipClaimed(db: DbOrTx, claim: Claim, reason: SmsSkipReason, at: Date) {
  return endUnsent(db, {
    messageId: claim.messageId,
    from: ["sending"],
    where: ours(claim),
    to: "skipped",
    set: [sql`skip_reason = ${reason}::sms_skip_reason`],
    event: { status: "skipped", source: "system", payload: { skipReason: reason, atSend: true } },
    at,
  });
}

/** The claimed text is a task reminder whose task changed: cancelled with the reason, slot given back. */
export async function cancelClaimed(db: DbOrTx, claim: Claim, reason: StaleReminderReason, at: Date) {
  return endUnsent(db, {
    messageId: claim.messageId,
    from: ["sending"],
    where: ours(claim),
    to: "cancelled",
    set: [sql`skip_reason = ${reason}::sms_skip_reason`],
    event: { status: "cancelled", source: "system", payload: { reason, atSend: true } },
    at,
  });
}

/**
 * The claimed text must wait after all (quiet hours began, or were changed, while it sat in the
 * dispatch queue): back to `scheduled` with when and why, its slot given back (it is reserved
 * again, for the day it then goes, when it is queued again).
 */
export async function holdClaimed(db: DbOrTx, claim: Claim, until: Date, why: "scheduled" | "quiet_hours", at: Date) {
  return endUnsent(db, {
    messageId: claim.messageId,
    from: ["sending"],
    where: ours(claim),
    to: "scheduled",
    set: [sql`held_until = ${until.toISOString()}::timestamptz`, sql`hold_reason = ${why}::sms_hold_reason`],
    event: { status: "scheduled", source: "system", payload: { heldUntil: until.toISOString(), holdReason: why, atSend: true } },
    at,
  });
}

/**
 * Ends a message that could not be handed to Twilio after every retry (429/5xx throughout), or
 * whose dispatch run failed for good. Only a text not handed over is touched (queued, or held
 * again by dispatch): one that went out meanwhile keeps its real status.
 */
export async function giveUpOnMessage(ctx: ServiceContext<SystemActor>, messageId: string, reason: string, at = new Date()) {
  return failUnsent(ctx.db, messageId, `not accepted by Twilio after retries: ${reason.slice(0, 300)}`, at);
}
