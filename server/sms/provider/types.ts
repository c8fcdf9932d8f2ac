/** Provider-neutral SMS types. Nothing here may mention the Twilio SDK. */

export const MESSAGE_STATUSES = [
  "queued",
  "accepted",
  "scheduled",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  "canceled",
  "read",
  "partially_delivered",
  "receiving",
  "received",
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export type MessageDirection = "inbound" | "outbound-api" | "outbound-call" | "outbound-reply";

export interface SendInput {
  /** E.164. */
  to: string;
  body: string;
  statusCallbackUrl?: string;
  /** Schedule at Twilio (needs a Messaging Service; 15 min to 35 days ahead). */
  sendAt?: Date;
  /**
   * Seconds the text may wait in Twilio's sender queue (1–36,000); past it Twilio drops it with
   * 30036 instead of delivering it late.
   */
  validityPeriodSeconds?: number;
}

export interface SentMessage {
  sid: string;
  status: MessageStatus;
  direction: MessageDirection;
  to: string;
  /** null while a Messaging Service has not picked the sender yet. */
  from: string | null;
  body: string;
  messagingServiceSid: string | null;
  /** 0 until a sender is assigned when sent through a Messaging Service. */
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  /** Negative decimal string as Twilio bills it, e.g. "-0.00790"; null until sent. */
  price: string | null;
  priceUnit: string | null;
  dateCreated: Date | null;
  dateSent: Date | null;
  dateUpdated: Date | null;
}

export type VerificationStatus =
  | "pending"
  | "approved"
  | "canceled"
  | "max_attempts_reached"
  | "deleted"
  | "failed"
  | "expired";

export interface VerificationStarted {
  sid: string;
  status: VerificationStatus;
  /** How many times a code has been sent for this verification (Twilio allows 5). */
  sendCodeAttempts: number;
}

export interface VerificationCheckResult {
  approved: boolean;
  /**
   * `pending` = wrong code, try again; `max_attempts_reached` = 5 checks used;
   * `not_found` = nothing pending for the number (expired, already approved, or never started).
   */
  status: VerificationStatus | "not_found";
}

export interface WebhookSignatureInput {
  /** The exact public URL Twilio posted to, query string included. */
  url: string;
  /** The decoded form parameters of the POST. */
  params: Record<string, string>;
  /** Value of the X-Twilio-Signature header. */
  signature: string | null | undefined;
}

export interface StatusCallback {
  messageSid: string;
  status: MessageStatus;
  accountSid: string;
  to: string | null;
  from: string | null;
  messagingServiceSid: string | null;
  errorCode: number | null;
  /** Short human reason for errorCode, when known. */
  errorReason: string | null;
  /** Carrier DLR done date, YYMMDDhhmm with no zone (delivered / undelivered only). */
  rawDlrDoneDate: string | null;
}

export interface ListByRecipientOptions {
  /** Messages with date_sent on or after this time (second precision). */
  sentAfter?: Date;
  /** Upper bound on records returned. Default 50. */
  limit?: number;
}

export interface SmsProvider {
  send(input: SendInput): Promise<SentMessage>;
  /** Only while the message is still `scheduled`; otherwise ProviderError code 30409. */
  cancelScheduled(sid: string): Promise<SentMessage>;
  fetch(sid: string): Promise<SentMessage>;
  /** Newest first. Used to reconcile ambiguous sends. */
  listByRecipient(to: string, options?: ListByRecipientOptions): Promise<SentMessage[]>;
  startVerification(to: string): Promise<VerificationStarted>;
  checkVerification(to: string, code: string): Promise<VerificationCheckResult>;
  /** Lookup v2 Line Type Intelligence: `mobile`, `landline`, `fixedVoip`, `tollFree`… or null when Twilio cannot tell. */
  lookupLineType(to: string): Promise<string | null>;
  verifySignature(input: WebhookSignatureInput): boolean;
  /** Throws InvalidStatusCallbackError when the payload is not a message status callback. */
  parseStatusCallback(params: Record<string, string>): StatusCallback;
}
