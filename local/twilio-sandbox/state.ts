import type { DeliveryOutcome } from "./magic-numbers";
import type { OptOutType } from "./keywords";
import type { SmsEncoding } from "./segments";
import { noFaults, type Faults } from "./faults";

export type MessageStatus =
  | "queued" | "accepted" | "scheduled" | "sending" | "sent" | "delivered" | "undelivered"
  | "failed" | "canceled" | "read" | "partially_delivered" | "receiving" | "received";

export type MessageDirection = "inbound" | "outbound-api" | "outbound-reply";

export interface MessageRecord {
  sid: string;
  to: string;
  /** null until a sender from the Messaging Service pool is assigned. */
  from: string | null;
  body: string;
  status: MessageStatus;
  direction: MessageDirection;
  messagingServiceSid: string | null;
  /** What the API shows: 0 until a sender is assigned (Messaging Service), as Twilio does. */
  numSegments: number;
  segments: number;
  encoding: SmsEncoding;
  price: string | null;
  priceUnit: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  sendAt: Date | null;
  statusCallback: string | null;
  /** Seconds the message may wait in the sender queue (ValidityPeriod); null = Twilio's 36,000. */
  validityPeriod: number | null;
  outcome: DeliveryOutcome;
}

export type VerificationStatus = "pending" | "approved" | "canceled" | "expired";

export interface VerificationRecord {
  sid: string;
  serviceSid: string;
  to: string;
  channel: "sms";
  code: string;
  status: VerificationStatus;
  sendCodeAttempts: { attemptSid: string; time: Date }[];
  checkAttempts: number;
  dateCreated: Date;
  dateUpdated: Date;
  expiresAt: Date;
}

export interface InboundRecord {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  optOutType: OptOutType | null;
  url: string | null;
  receivedAt: Date;
  responseStatus: number | null;
  responseBody: string | null;
  /** Bodies of the <Message> verbs in the app's TwiML reply. */
  replies: string[];
  error: string | null;
}

export interface CallbackAttempt {
  messageSid: string;
  messageStatus: MessageStatus;
  url: string;
  attempt: number;
  duplicate: boolean;
  at: Date;
  httpStatus: number | null;
  error: string | null;
}

export interface SandboxState {
  /** Insertion order = creation order. */
  messages: Map<string, MessageRecord>;
  verifications: Map<string, VerificationRecord>;
  inbound: InboundRecord[];
  callbackAttempts: CallbackAttempt[];
  optedOut: Set<string>;
  faults: Faults;
  clockOffsetMs: number;
  inboundWebhookUrl: string | null;
}

export function emptyState(inboundWebhookUrl: string | null): SandboxState {
  return {
    messages: new Map(),
    verifications: new Map(),
    inbound: [],
    callbackAttempts: [],
    optedOut: new Set(),
    faults: noFaults(),
    clockOffsetMs: 0,
    inboundWebhookUrl,
  };
}
