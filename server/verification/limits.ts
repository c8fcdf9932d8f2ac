import type { DbOrTx } from "@/db/client";
import { DomainError } from "../errors";
import { logger } from "../logger";
import { consumeRateLimit, rateLimitKey } from "../rate-limit";

/**
 * How many verification codes may be sent, and checked, per hour. Every code costs money and
 * SMS pumping fraud requests codes in bulk. The rule: a limit keyed on something the client
 * cannot choose never fills up for people it does not name. So sends are limited per user, per
 * number (several accounts cannot take turns on one victim), per destination country, and per
 * client address only when one is known (TRUST_PROXY); with no believable address there is no
 * address bucket at all (it would be one bucket for everyone), and a global budget bounds the
 * total spend instead. Configured by the VERIFY_* variables; counted in the database so every
 * app instance shares the count.
 */
export interface VerificationLimits {
  sendsPerUserPerHour: number;
  sendsPerNumberPerHour: number;
  sendsPerAddressPerHour: number;
  sendsPerCountryPerHour: number;
  sendsGlobalPerHour: number;
  checksPerUserPerHour: number;
}

const HOUR = 60 * 60;

/** "42 minutes", "30 seconds": how long to wait, in words a person reads at a glance. */
function waitInWords(seconds: number): string {
  if (seconds <= 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function tooManyRequests(message: (wait: string) => string, retryAfterSeconds: number, field: "phone" | "code") {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError("TOO_MANY_REQUESTS", message(waitInWords(seconds)), { field, retryAfterSeconds: seconds });
}

/** Counts one attempt against an hourly budget; throws TOO_MANY_REQUESTS when it is spent. */
async function enforce(db: DbOrTx, key: string, max: number, now: Date, message: (wait: string) => string, field: "phone" | "code") {
  const decision = await consumeRateLimit(db, key, { max, windowSeconds: HOUR }, now);
  if (!decision.allowed) throw tooManyRequests(message, decision.retryAfterSeconds, field);
  return decision;
}

/** One hourly budget a code send counts against. */
interface SendBudget {
  /** Its counter; null when it does not apply (no believable client address). */
  key: string | null;
  max: number;
  message: (wait: string) => string;
  /** A shared budget running out is logged for operators: what to say, with which fields. */
  exhausted?: { log: string; fields: Record<string, unknown> };
}

/**
 * Counts one code send and throws TOO_MANY_REQUESTS at the first exceeded limit. The narrowest
 * limits come first, so a client refused for its own account or number never spends a shared
 * budget: user, number, address (when known), country, then the global budget.
 */
export async function limitCodeSend(
  db: DbOrTx,
  limits: VerificationLimits,
  who: { userId: string; phone: string; country: string; clientAddress: string | null },
  now: Date,
) {
  const budgets: SendBudget[] = [
    {
      key: rateLimitKey("verify:send:user", who.userId),
      max: limits.sendsPerUserPerHour,
      message: (wait) => `You have asked for ${limits.sendsPerUserPerHour} codes this hour. You can ask for another in ${wait}.`,
    },
    {
      key: rateLimitKey("verify:send:number", who.phone),
      max: limits.sendsPerNumberPerHour,
      message: (wait) => `Too many codes have been sent to this phone number. Try again in ${wait}.`,
    },
    {
      key: who.clientAddress ? rateLimitKey("verify:send:address", who.clientAddress) : null,
      max: limits.sendsPerAddressPerHour,
      message: (wait) => `Too many codes have been requested from your network. Try again in ${wait}.`,
    },
    {
      key: rateLimitKey("verify:send:country", who.country),
      max: limits.sendsPerCountryPerHour,
      message: (wait) => `We are sending too many codes to this country right now. Try again in ${wait}.`,
      exhausted: {
        log: "verification codes: per-country hourly limit reached",
        fields: { country: who.country, limit: limits.sendsPerCountryPerHour },
      },
    },
    {
      key: GLOBAL_SENDS_KEY,
      max: limits.sendsGlobalPerHour,
      message: (wait) => `We are sending too many codes right now. Try again in ${wait}.`,
      exhausted: {
        log: "verification codes: global hourly budget reached (VERIFY_SENDS_GLOBAL_PER_HOUR)",
        fields: { limit: limits.sendsGlobalPerHour },
      },
    },
  ];
  for (const budget of budgets) {
    if (budget.key === null) continue;
    try {
      await enforce(db, budget.key, budget.max, now, budget.message, "phone");
    } catch (error) {
      if (budget.exhausted) logger.warn(budget.exhausted.fields, budget.exhausted.log);
      throw error;
    }
  }
}

const GLOBAL_SENDS_KEY = "verify:send:global";

/** Counts one code check against the user (Twilio allows 5 per code; this bounds guessing across new codes). */
export async function limitCodeCheck(db: DbOrTx, limits: VerificationLimits, userId: string, now: Date) {
  const message = (wait: string) => `Too many codes entered this hour. Try again in ${wait}.`;
  await enforce(db, rateLimitKey("verify:check:user", userId), limits.checksPerUserPerHour, now, message, "code");
}
