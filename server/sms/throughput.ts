import type { Env } from "../config/env";

/**
 * Texts per second Twilio takes from one sender before it queues them (and past ~10 hours of
 * queue, drops them): a long code ~1 segment/s, toll-free 3/s, a short code 100/s. 10DLC
 * campaigns get more by trust score; set SMS_MAX_PER_SECOND to what the campaign was granted.
 */
export const SENDER_TYPE_MAX_PER_SECOND: Readonly<Record<Env["SMS_SENDER_TYPE"], number>> = {
  long_code: 1,
  toll_free: 3,
  short_code: 100,
};

/** The app-wide cap on texts handed to Twilio per second. */
export function smsMaxPerSecond(config: Pick<Env, "SMS_SENDER_TYPE" | "SMS_MAX_PER_SECOND">): number {
  return config.SMS_MAX_PER_SECOND ?? SENDER_TYPE_MAX_PER_SECOND[config.SMS_SENDER_TYPE];
}
