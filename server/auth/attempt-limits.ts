import type { Db } from "@/db/client";
import { logger } from "../logger";
import { consumeRateLimit, rateLimitKey, resetRateLimit, type RateLimitDecision } from "../rate-limit";
import { knownDevice } from "./device-cookie";

/**
 * The limits on the credential endpoints, in the database so every instance shares them. The
 * rule: a limit keyed on something a client cannot choose never fills up for people it does not
 * name, and no one can lock an account's owner out.
 * - Per client: AUTH_RATE_LIMIT_PER_MINUTE per action, keyed on the believed client address
 *   (TRUST_PROXY). With no believable address there is no per-address bucket; all such clients
 *   share a global budget (AUTH_GLOBAL_PER_MINUTE) that sheds a flood.
 * - Sign-in per account *and address* (the address "unknown" when none is believed): at most
 *   ACCOUNT_ATTEMPTS per window. Each attempt counts before the password is checked (parallel
 *   guesses cannot slip past) and a success forgets the count, so only failures add up; past
 *   the threshold that account waits a short delay from that address, never from others.
 * - A browser holding a device cookie for the account (./device-cookie.ts: it signed in with the
 *   right password within 90 days) skips both the global budget and the shared "unknown" bucket;
 *   its own attempts are counted per device. A flood of wrong passwords from anywhere cannot
 *   lock the owner out of a device they already use.
 */
export const ACCOUNT_ATTEMPTS = { max: 5, windowSeconds: 5 * 60 };

export type AuthAction = "sign-in" | "sign-up" | "credentials";

/** What the limits need to know about the app. */
export interface AttemptLimitSettings {
  db: Db;
  /** AUTH_RATE_LIMIT_PER_MINUTE: per believed client address and action. */
  attemptsPerMinute: number;
  /** AUTH_GLOBAL_PER_MINUTE: all clients with no believed address, per action, together. */
  globalPerMinute: number;
  /** Signs device cookies (the auth secret). */
  secret: string;
}

const UNKNOWN_ADDRESS = "unknown-address";

export async function limitClient(settings: AttemptLimitSettings, action: AuthAction, address: string | null): Promise<RateLimitDecision> {
  if (address) return consumeRateLimit(settings.db, rateLimitKey(`auth:${action}`, address), { max: settings.attemptsPerMinute, windowSeconds: 60 });
  const decision = await consumeRateLimit(settings.db, `auth:${action}:global`, { max: settings.globalPerMinute, windowSeconds: 60 });
  if (!decision.allowed && decision.count === settings.globalPerMinute + 1) {
    logger.warn({ action, limit: settings.globalPerMinute }, "auth: global budget for clients with no known address reached (AUTH_GLOBAL_PER_MINUTE)");
  }
  return decision;
}

export type SignInGate =
  | { allowed: false; kind: "client" | "account"; retryAfterSeconds: number }
  | { allowed: true; forget: () => Promise<void> };

/**
 * Counts one sign-in attempt for `email` from this client and says whether it may go ahead. On a
 * correct password the caller calls `forget` (the account's failures from here no longer count)
 * and issues a device cookie.
 */
export async function gateSignIn(
  settings: AttemptLimitSettings,
  attempt: { email: string; address: string | null; cookieHeader: string | null },
  now = new Date(),
): Promise<SignInGate> {
  const email = attempt.email.trim().toLowerCase();
  const device = knownDevice(settings.secret, attempt.cookieHeader, email, now);
  if (!device) {
    const perClient = await limitClient(settings, "sign-in", attempt.address);
    if (!perClient.allowed) return { allowed: false, kind: "client", retryAfterSeconds: perClient.retryAfterSeconds };
  }
  const key = rateLimitKey("auth:account", `${email}\n${device ? `device:${device}` : (attempt.address ?? UNKNOWN_ADDRESS)}`);
  const perAccount = await consumeRateLimit(settings.db, key, ACCOUNT_ATTEMPTS, now);
  if (!perAccount.allowed) return { allowed: false, kind: "account", retryAfterSeconds: perAccount.retryAfterSeconds };
  return { allowed: true, forget: () => resetRateLimit(settings.db, key) };
}

const inWords = (seconds: number) => (seconds <= 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

export function tooManyAttemptsMessage(kind: "client" | "account", retryAfterSeconds: number): string {
  return kind === "account"
    ? `Too many failed sign-ins for this account. Try again in ${inWords(retryAfterSeconds)}.`
    : `Too many attempts. Try again in ${inWords(retryAfterSeconds)}.`;
}
