/**
 * Reasons for a text that was not delivered, shared by the user's history (server/messages/reasons.ts)
 * and the admin pages (components/admin/words.ts), which word the rest for their own reader.
 */

/** An `unknown` text: the send's answer was lost, and reconciliation asks Twilio before anything else happens. */
export const UNKNOWN_REASON = "Twilio may have accepted it — we are checking, and will not send it twice.";

export const CANCELLED_REASON = "It was cancelled before it was sent, and will not be sent.";
