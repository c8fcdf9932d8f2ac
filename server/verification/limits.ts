import type { DbOrTx } from "@/db/client";
import { DomainError } from "../errors";
import { consumeRateLimit, rateLimitKey, type RateLimitRule } from "../rate-limit";

/**
 * How many verification codes may be sent, and checked, per hour. Every code costs money and
 * SMS pumping fraud requests codes in bulk, so sends are limited per user, per number (several
 * accounts cannot take turns on one victim) and per client address (one client cannot cycle
 * through accounts). Configured by the VERIFY_* variables; counted in the database so every app
 * instance shares the count.
 */
export interface VerificationLimits {
  sendsPerUserPerHour: number;
  sendsPerNumberPerHour: number;
  sendsPerAddressPerHour: number;
  checksPerUserPerHour: number;
}

const HOUR = 60 * 60;

/** Without a trusted proxy no client address can be believed: every such client shares one bucket. */
const UNIDENTIFIED_CLIENTS = "all-unidentified-clients";

/** "42 minutes", "30 seconds": how long to wait, in words a person reads at a glance. */
export function waitInWords(seconds: number): string {
  if (seconds <= 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function tooManyRequests(message: (wait: string) => string, retryAfterSeconds: number, field: "phone" | "code") {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError("TOO_MANY_REQUESTS", message(waitInWords(seconds)), { field, retryAfterSeconds: seconds });
}

async function enforce(
  db: DbOrTx,
  key: string,
  rule: RateLimitRule,
  now: Date,
  message: (wait: string) => string,
  field: "phone" | "code",
) {
  const decision = await consumeRateLimit(db, key, rule, now);
  if (!decision.allowed) throw tooManyRequests(message, decision.retryAfterSeconds, field);
}

/** Counts one code send against the address, the number and the user; throws TOO_MANY_REQUESTS at the first exceeded. */
export async function limitCodeSend(
  db: DbOrTx,
  limits: VerificationLimits,
  who: { userId: string; phone: string; clientAddress: string | null },
  now: Date,
) {
  await enforce(
    db,
    rateLimitKey("verify:send:address", who.clientAddress ?? UNIDENTIFIED_CLIENTS),
    { max: limits.sendsPerAddressPerHour, windowSeconds: HOUR },
    now,
    (wait) => `Too many codes have been requested from your network. Try again in ${wait}.`,
    "phone",
  );
  await enforce(
    db,
    rateLimitKey("verify:send:number", who.phone),
    { max: limits.sendsPerNumberPerHour, windowSeconds: HOUR },
    now,
    (wait) => `Too many codes have been sent to this phone number. Try again in ${wait}.`,
    "phone",
  );
  await enforce(
    db,
    rateLimitKey("verify:send:user", who.userId),
    { max: limits.sendsPerUserPerHour, windowSeconds: HOUR },
    now,
    (wait) => `You have asked for ${limits.sendsPerUserPerHour} codes this hour. You can ask for another in ${wait}.`,
    "phone",
  );
}

/** Counts one code check against the user (Twilio allows 5 per code; this bounds guessing across new codes). */
export async function limitCodeCheck(db: DbOrTx, limits: VerificationLimits, userId: string, now: Date) {
  await enforce(
    db,
    rateLimitKey("verify:check:user", userId),
    { max: limits.checksPerUserPerHour, windowSeconds: HOUR },
    now,
    (wait) => `Too many codes entered this hour. Try again in ${wait}.`,
    "code",
  );
}
