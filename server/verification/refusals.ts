import { and, count, gte, lt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { verificationRefusals, type verificationRefusalReason } from "@/db/schema";
import { VERIFY_CODE_TTL_SECONDS } from "@/common/limits";
import { DomainError } from "../errors";
import { logger } from "../logger";
import { ProviderError, verifyRefusalOf } from "../sms/provider";
import { tooManyRequests } from "./limits";

export type RefusalReason = (typeof verificationRefusalReason.enumValues)[number];

/** What the dashboard calls each reason. */
export const REFUSAL_LABELS: Record<RefusalReason, string> = {
  landline: "Landline (line-type check, or Verify 60205)",
  fixed_voip: "Fixed VoIP (line-type check)",
  toll_free: "Toll-free (line-type check)",
  fraud_guard: "Blocked by Fraud Guard (60410)",
  geo_permission: "Country not enabled in Verify (60605)",
  max_sends: "Too many sends for one code (60203)",
  max_checks: "Too many wrong codes (60202)",
  invalid_number: "Number Twilio cannot text (60200, 21211, 21614)",
  busy: "Verify busy (60212, 20429)",
};

/** Line types Lookup v2 reports that cannot receive a code by text (or are the usual pumping targets). */
const REFUSED_LINE_TYPES: Record<string, { reason: RefusalReason; message: string }> = {
  landline: { reason: "landline", message: "This is a landline number, which cannot receive texts. Use a mobile number." },
  fixedVoip: { reason: "fixed_voip", message: "This is an internet (VoIP) landline number, which cannot receive codes. Use a mobile number." },
  tollFree: { reason: "toll_free", message: "Toll-free numbers cannot receive codes. Use a mobile number." },
};

/** Counts one refusal for the dashboard (no user or number is kept). */
export async function recordRefusal(db: DbOrTx, reason: RefusalReason, twilioCode: number | null, now: Date) {
  await db.insert(verificationRefusals).values({ occurredAt: now, reason, twilioCode });
}

/**
 * Asks Twilio Lookup v2 Line Type Intelligence what kind of line the number is before a code is
 * sent, and refuses landlines, fixed VoIP and toll-free numbers with a plain message. A lookup
 * that fails is a short wait, not a send: sending unchecked would reopen the door to pumping.
 */
export async function refuseUnsuitableLine(
  db: DbOrTx,
  lookup: (to: string) => Promise<string | null>,
  e164: string,
  now: Date,
): Promise<void> {
  let type: string | null;
  try {
    type = await lookup(e164);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    logger.warn({ code: error.code, kind: error.kind }, "verification: line-type lookup failed");
    throw tooManyRequests(() => "We could not check this phone number just now. Try again in a minute.", 60, "phone");
  }
  const refused = type ? REFUSED_LINE_TYPES[type] : undefined;
  if (!refused) return;
  await recordRefusal(db, refused.reason, null, now);
  throw new DomainError("BAD_REQUEST", refused.message, { field: "phone" });
}

/**
 * Twilio Verify's refusals to send a code, as plain messages about the number (each counted for
 * the dashboard); anything else stays an internal error.
 */
export async function verifyStartRefusal(db: DbOrTx, error: unknown, liveUntil: Date | null, now: Date): Promise<unknown> {
  if (!(error instanceof ProviderError) || error.code === undefined) return error;
  const refusal = startRefusalOf(error, liveUntil, now);
  if (!refusal) return error;
  await recordRefusal(db, refusal.reason, error.code, now);
  return refusal.error;
}

function startRefusalOf(error: ProviderError, liveUntil: Date | null, now: Date): { reason: RefusalReason; error: DomainError } | null {
  const reason = verifyRefusalOf(error);
  switch (reason) {
    case "max_sends": {
      const seconds = liveUntil ? (liveUntil.getTime() - now.getTime()) / 1000 : VERIFY_CODE_TTL_SECONDS;
      return { reason, error: tooManyRequests((wait) => `Too many codes have been sent to this number. Try again in ${wait}.`, seconds, "phone") };
    }
    case "busy":
      return {
        reason,
        error: tooManyRequests((wait) => `The text service is busy. Try again in ${wait}.`, (error.retryAfterMs ?? 60_000) / 1000, "phone"),
      };
    case "landline":
      return { reason, error: new DomainError("BAD_REQUEST", REFUSED_LINE_TYPES.landline!.message, { field: "phone" }) };
    case "invalid_number":
      return {
        reason,
        error: new DomainError("BAD_REQUEST", "Twilio cannot send a code to this phone number. Check it, or use a mobile number.", { field: "phone" }),
      };
    case "geo_permission":
      return { reason, error: new DomainError("BAD_REQUEST", "We cannot send codes to this country.", { field: "phone" }) };
    case "fraud_guard":
      return { reason, error: new DomainError("FORBIDDEN", "Codes to this phone number are blocked. Contact support if it is yours.", { field: "phone" }) };
    case undefined:
      return null;
  }
}

/** Refused verifications between two instants, by reason, most first: the dashboard's card. */
export async function refusalCounts(db: DbOrTx, from: Date, to: Date) {
  const rows = await db
    .select({ reason: verificationRefusals.reason, refusals: count() })
    .from(verificationRefusals)
    .where(and(gte(verificationRefusals.occurredAt, from), lt(verificationRefusals.occurredAt, to)))
    .groupBy(verificationRefusals.reason);
  return rows
    .map((row) => ({ reason: row.reason, label: REFUSAL_LABELS[row.reason], refusals: Number(row.refusals) }))
    .sort((a, b) => b.refusals - a.refusals);
}
