import { z } from "zod";
import { describeTwilioCode, InvalidStatusCallbackError } from "./errors";
import { MESSAGE_STATUSES, type StatusCallback } from "./types";

const optional = z.string().min(1).optional();

const statusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  // Older payloads carry only SmsStatus; both hold the same value when present.
  MessageStatus: z.enum(MESSAGE_STATUSES).optional(),
  SmsStatus: z.enum(MESSAGE_STATUSES).optional(),
  To: optional,
  From: optional,
  MessagingServiceSid: optional,
  ErrorCode: z.string().regex(/^\d+$/).optional(),
  RawDlrDoneDate: z.string().regex(/^\d{10}$/).optional(),
});

/** Parses the form parameters of a message status callback (signature checked beforehand). */
export function parseStatusCallback(params: Record<string, string>): StatusCallback {
  const parsed = statusCallbackSchema.safeParse(params);
  if (!parsed.success) {
    throw new InvalidStatusCallbackError(`invalid status callback: ${z.prettifyError(parsed.error)}`);
  }
  const p = parsed.data;
  const status = p.MessageStatus ?? p.SmsStatus;
  if (!status) throw new InvalidStatusCallbackError("invalid status callback: MessageStatus missing");
  // Twilio sends ErrorCode=0 on some successful statuses.
  const errorCode = p.ErrorCode && Number(p.ErrorCode) !== 0 ? Number(p.ErrorCode) : null;
  return {
    messageSid: p.MessageSid,
    status,
    accountSid: p.AccountSid,
    to: p.To ?? null,
    from: p.From ?? null,
    messagingServiceSid: p.MessagingServiceSid ?? null,
    errorCode,
    errorReason: describeTwilioCode(errorCode),
    rawDlrDoneDate: p.RawDlrDoneDate ?? null,
  };
}
