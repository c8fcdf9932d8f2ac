import type { SmsStatus } from "./status-rank";

/** The statuses a text can be cancelled from: it has not been handed to Twilio. */
export const CANCELLABLE_STATUSES = ["pending", "scheduled", "queued"] as const satisfies readonly SmsStatus[];
