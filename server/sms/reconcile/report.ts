import { describeTwilioCode, type SentMessage } from "../provider";
import type { StatusReport } from "../apply-status-reports";

/** What reconciliation learned from Twilio, as a report for the monotonic status path. */
export function reportFromTwilio(record: SentMessage, messageId: string, at: Date): StatusReport {
  return {
    sid: record.sid,
    status: record.status,
    errorCode: record.errorCode,
    errorReason: describeTwilioCode(record.errorCode) ?? record.errorMessage,
    price: record.price,
    priceUnit: record.priceUnit,
    source: "reconcile",
    messageId,
    payload: {
      sid: record.sid,
      status: record.status,
      errorCode: record.errorCode,
      price: record.price,
      priceUnit: record.priceUnit,
      dateSent: record.dateSent?.toISOString() ?? null,
      dateUpdated: record.dateUpdated?.toISOString() ?? null,
    },
    at,
  };
}
