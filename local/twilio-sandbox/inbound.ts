import { now, type SandboxContext } from "./context";
import { newSid } from "./ids";
import { keywordType } from "./keywords";
import { beginDelivery } from "./lifecycle";
import { measureBody } from "./segments";
import { describeError, postSignedForm } from "./signed-post";
import type { InboundRecord, MessageRecord } from "./state";
import { messageBodies } from "./twiml";

export interface InboundInput {
  from: string;
  body: string;
  /** Our number the text is sent to; defaults to the first sandbox number. */
  to?: string;
  /** Overrides the configured inbound webhook URL for this one text. */
  url?: string;
}

/**
 * A text from a phone to the app: recorded as an inbound message, applied to the
 * opt-out list like Twilio's default keyword handling, POSTed signed to the webhook;
 * the <Message> bodies of the TwiML answer are sent back as outbound-reply messages.
 */
export async function simulateInbound(ctx: SandboxContext, input: InboundInput): Promise<InboundRecord> {
  const { config, state } = ctx;
  const at = now(ctx);
  const to = input.to ?? config.phoneNumbers[0] ?? "";
  const measure = measureBody(input.body);
  const messagingServiceSid = config.messagingServiceSids[0] ?? null;
  const message: MessageRecord = {
    sid: newSid("SM"),
    to,
    from: input.from,
    body: input.body,
    status: "received",
    direction: "inbound",
    messagingServiceSid,
    numSegments: measure.numSegments,
    segments: measure.numSegments,
    encoding: measure.encoding,
    price: (-0.0079 * measure.numSegments).toFixed(5),
    priceUnit: "USD",
    errorCode: null,
    errorMessage: null,
    dateCreated: at,
    dateUpdated: at,
    dateSent: at,
    sendAt: null,
    statusCallback: null,
    outcome: { status: "delivered", errorCode: null },
  };
  state.messages.set(message.sid, message);

  const optOutType = keywordType(input.body);
  if (optOutType === "STOP") state.optedOut.add(input.from);
  if (optOutType === "START") state.optedOut.delete(input.from);

  const url = input.url ?? state.inboundWebhookUrl;
  const record: InboundRecord = {
    messageSid: message.sid,
    from: input.from,
    to,
    body: input.body,
    optOutType,
    url,
    receivedAt: at,
    responseStatus: null,
    responseBody: null,
    replies: [],
    error: null,
  };
  state.inbound.push(record);
  if (!url) {
    record.error = "no inbound webhook URL configured";
    return record;
  }

  const params: Record<string, string> = {
    AccountSid: config.accountSid,
    ApiVersion: "2010-04-01",
    Body: input.body,
    From: input.from,
    FromCountry: "US",
    MessageSid: message.sid,
    NumMedia: "0",
    NumSegments: String(measure.numSegments),
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    SmsStatus: "received",
    To: to,
    ToCountry: "US",
  };
  if (messagingServiceSid) params.MessagingServiceSid = messagingServiceSid;
  if (optOutType) params.OptOutType = optOutType;

  try {
    const response = await postSignedForm(url, params, {
      authToken: config.authToken,
      timeoutMs: config.webhookTimeoutMs,
      signal: ctx.abort.signal,
      idempotencyToken: message.sid,
    });
    record.responseStatus = response.status;
    record.responseBody = response.body;
    if (response.status >= 200 && response.status < 300) {
      record.replies = messageBodies(response.body);
      for (const reply of record.replies) sendReply(ctx, { to: input.from, from: to, body: reply });
    }
  } catch (error) {
    record.error = describeError(error);
  }
  return record;
}

/** A TwiML <Message> reply becomes an outbound-reply message (no status callback). */
function sendReply(ctx: SandboxContext, reply: { to: string; from: string; body: string }): void {
  const at = now(ctx);
  const measure = measureBody(reply.body);
  const message: MessageRecord = {
    sid: newSid("SM"),
    to: reply.to,
    from: reply.from,
    body: reply.body,
    status: "queued",
    direction: "outbound-reply",
    messagingServiceSid: ctx.config.messagingServiceSids[0] ?? null,
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
    outcome: { status: "delivered", errorCode: null },
  };
  ctx.state.messages.set(message.sid, message);
  beginDelivery(ctx, message);
}
