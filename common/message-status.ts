/**
 * Statuses a text never leaves: the end of its lifecycle. The status rule ranks them all at the
 * top (server/sms/status-rank.ts builds its ranks from this list), and the admin console stops
 * following a text once it reaches one. `merged`: a text held through quiet hours that went out
 * inside a digest (server/sms/digest); only a cancel before the digest leaves takes it out again.
 */
export const FINAL_STATUSES = ["delivered", "undelivered", "failed", "cancelled", "skipped", "merged"] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
