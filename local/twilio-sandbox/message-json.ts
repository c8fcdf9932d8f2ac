import { rfc2822 } from "./dates";
import type { MessageRecord } from "./state";

/** A Message resource exactly as the 2010-04-01 API renders it. */
export function messageJson(accountSid: string, m: MessageRecord) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`;
  return {
    account_sid: accountSid,
    api_version: "2010-04-01",
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: "0",
    num_segments: String(m.numSegments),
    price: m.price,
    price_unit: m.priceUnit,
    sid: m.sid,
    status: m.status,
    subresource_uris: {
      media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json`,
      feedback: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Feedback.json`,
    },
    to: m.to,
    uri,
  };
}

export type MessageJson = ReturnType<typeof messageJson>;
