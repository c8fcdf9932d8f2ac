import { newSid } from "./ids";
import { measureBody } from "./segments";
import type { MessageRecord } from "./state";

type Required = Pick<MessageRecord, "to" | "from" | "body" | "status" | "direction" | "messagingServiceSid">;

/**
 * A new message with a fresh SID, its body measured, and the defaults of a message that is
 * not scheduled, not priced yet and headed for delivery; callers override what differs.
 */
export function newMessageRecord(fields: Required & Partial<MessageRecord>, at: Date): MessageRecord {
  const measure = measureBody(fields.body);
  return {
    sid: newSid("SM"),
    numSegments: measure.numSegments,
    segments: measure.numSegments,
    encoding: measure.encoding,
    price: null,
    priceUnit: null,
    errorCode: null,
    errorMessage: null,
    dateCreated: at,
    dateUpdated: at,
    dateSent: at,
    sendAt: null,
    statusCallback: null,
    validityPeriod: null,
    outcome: { status: "delivered", errorCode: null },
    ...fields,
  };
}
