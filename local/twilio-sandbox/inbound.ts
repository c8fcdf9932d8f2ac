import { now, type SandboxContext } from "./context";
import { keywordType } from "./keywords";
import { beginDelivery } from "./lifecycle";
import { newMessageRecord } from "./message-record";
import { measureBody } from "./segments";
import { describeError, postSignedForm } from "./signed-post";
import type { InboundRecord } from "./state";
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
  const segments = measureBody(input.body).numSegments;
  const message = newMessageRecord(
    {
      to,
      from: input.from,
      body: input.body,
      status: "received",
      direction: "inbound",
      messagingServiceSid: config.messagingServiceSids[0] ?? null,
      price: (-0.0079 * segments).toFixed(5),
      priceUnit: "USD",
    },
    at,
  );
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
    NumSegments: String(message.segments),
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    SmsStatus: "received",
    To: to,
    ToCountry: "US",
  };
  if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
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
  const message = newMessageRecord(
    {
      to: reply.to,
      from: reply.from,
      body: reply.body,
      status: "queued",
      direction: "outbound-reply",
      messagingServiceSid: ctx.config.messagingServiceSids[0] ?? null,
    },
    now(ctx),
  );
  ctx.state.messages.set(message.sid, message);
  beginDelivery(ctx, message);
}
