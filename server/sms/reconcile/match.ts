import type { SentMessage } from "../provider";

export interface UnknownMessage {
  to: string;
  body: string;
  /** Earliest moment the text can have reached Twilio. */
  notBefore: Date;
}

/**
 * The Twilio record of a text whose send answer was lost: an outbound message to the same
 * number with the same body, created no earlier than the text could have been sent, and not
 * already the record of another of our messages. The oldest such record wins (a later one
 * would be a later text with the same words).
 */
export function findTwilioRecord(message: UnknownMessage, records: readonly SentMessage[], takenSids: ReadonlySet<string>): SentMessage | null {
  const candidates = records.filter(
    (r) =>
      r.direction !== "inbound" &&
      r.to === message.to &&
      r.body === message.body &&
      !takenSids.has(r.sid) &&
      (r.dateCreated ?? r.dateSent ?? new Date(0)).getTime() >= message.notBefore.getTime(),
  );
  candidates.sort((a, b) => createdAt(a) - createdAt(b));
  return candidates[0] ?? null;
}

const createdAt = (r: SentMessage) => (r.dateCreated ?? r.dateSent ?? new Date(0)).getTime();
