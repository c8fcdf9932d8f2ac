/**
 * How long to wait before the next attempt to hand a text to Twilio after a 429, a 5xx or a
 * refused connection (nothing reached Twilio on those): quick at first, then every 15 minutes,
 * about an hour in all. Twilio's own Retry-After, when it sends one, decides instead.
 */
export const SEND_RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 900_000, 900_000] as const;

/** Attempts after the first; past them the text is marked failed. */
export const SEND_RETRIES = SEND_RETRY_DELAYS_MS.length;

/** Delay before the retry that follows failed attempt `attempt` (0-based). */
export function sendRetryDelayMs(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const delays: readonly number[] = SEND_RETRY_DELAYS_MS;
  return delays[Math.min(Math.max(attempt, 0), delays.length - 1)] ?? 60_000;
}
