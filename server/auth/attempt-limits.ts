import type { Db } from "@/db/client";
import { consumeRateLimit, rateLimitKey, resetRateLimit, type RateLimitDecision } from "../rate-limit";

/**
 * Two limits guard the credential endpoints, both in the database so every instance shares them:
 * - per client (AUTH_RATE_LIMIT_PER_MINUTE per action), keyed on the believed client address.
 *   Without a trusted proxy no address can be believed (see server/http/client-address.ts), so
 *   every client shares one bucket: slower for everyone under attack, never a bypass.
 * - per account: at most ACCOUNT_ATTEMPTS sign-ins per window for one email. Each attempt counts
 *   before the password is checked (parallel guesses cannot slip past), and a success forgets
 *   the account's count, so only failures add up.
 */
export const ACCOUNT_ATTEMPTS = { max: 5, windowSeconds: 15 * 60 };

const SHARED_BUCKET = "all-unidentified-clients";

export type AuthAction = "sign-in" | "sign-up" | "credentials";

export function limitClient(db: Db, action: AuthAction, address: string | null, perMinute: number): Promise<RateLimitDecision> {
  return consumeRateLimit(db, rateLimitKey(`auth:${action}`, address ?? SHARED_BUCKET), { max: perMinute, windowSeconds: 60 });
}

const accountKey = (email: string) => rateLimitKey("auth:account", email.trim().toLowerCase());

export function countSignInAttempt(db: Db, email: string): Promise<RateLimitDecision> {
  return consumeRateLimit(db, accountKey(email), ACCOUNT_ATTEMPTS);
}

export function forgetSignInAttempts(db: Db, email: string): Promise<void> {
  return resetRateLimit(db, accountKey(email));
}

const inWords = (seconds: number) => (seconds <= 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

export function tooManyAttemptsMessage(kind: "client" | "account", retryAfterSeconds: number): string {
  return kind === "account"
    ? `Too many failed sign-ins for this account. Try again in ${inWords(retryAfterSeconds)}.`
    : `Too many attempts. Try again in ${inWords(retryAfterSeconds)}.`;
}
