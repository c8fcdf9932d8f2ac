import type { Db } from "@/db/client";
import { payloadTooLarge } from "../http/body";
import type { JobSender } from "../jobs/define";
import { requestLogger, type Logger } from "../logger";
import { handleInboundText } from "../sms/inbound";
import { InvalidStatusCallbackError, type SmsProvider } from "../sms/provider";
import type { ProgramInfo } from "../sms/replies";
import { applyStatusCallback } from "../sms/apply-status-reports";
import { webhookContext } from "../service-context";
import { MAX_WEBHOOK_BYTES, readTwilioWebhook, type WebhookCheckConfig } from "./twilio-request";

export interface TwilioWebhookDeps {
  db: Db;
  /** Where durable jobs go; every request acts as a `webhook` actor with it. */
  jobs: JobSender;
  check: WebhookCheckConfig;
  provider: Pick<SmsProvider, "parseStatusCallback">;
  program: ProgramInfo;
}

/** What both handlers act with: a `webhook` actor on the database itself (status callbacks need that). */
type WebhookContext = ReturnType<typeof webhookContext<Db>>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(log: Logger, status: number, reason: string, route: string) {
  log.warn({ route, status, reason }, "twilio webhook refused");
  if (status === 413) return payloadTooLarge(MAX_WEBHOOK_BYTES, "text");
  return new Response(reason, { status, headers: { "content-type": "text/plain" } });
}

function twiml(messages: string[]) {
  const escape = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const body = messages.map((m) => `<Message>${escape(m)}</Message>`).join("");
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`, {
    status: 200,
    headers: { "content-type": "text/xml; charset=utf-8" },
  });
}

type WebhookHandler = (ctx: WebhookContext, deps: TwilioWebhookDeps, req: Request) => Promise<Response>;

/**
 * Builds the request's `webhook` context once, and answers an unexpected failure with 500
 * (Twilio retries), logged by us, redacted: left to Next, the error would be printed whole,
 * SQL parameters (phone numbers, texts) included.
 */
function answeringFailures(handler: WebhookHandler, route: string) {
  return async (deps: TwilioWebhookDeps, req: Request): Promise<Response> => {
    try {
      return await handler(webhookContext(deps.db, deps.jobs), deps, req);
    } catch (err) {
      requestLogger(req.headers).log.error({ err, route }, "twilio webhook failed");
      return new Response("internal error", { status: 500, headers: { "content-type": "text/plain" } });
    }
  };
}

/** Delivery status: answered only after the update is committed, so a failure is never acknowledged. */
export const handleStatusWebhook = answeringFailures(statusWebhook, "status");

/** Texts people send us: STOP/START/HELP handling, replies as TwiML. */
export const handleInboundWebhook = answeringFailures(inboundWebhook, "inbound");

async function statusWebhook(ctx: WebhookContext, deps: TwilioWebhookDeps, req: Request): Promise<Response> {
  // Made only when something is logged: on the hot path a callback logs nothing.
  let requestLog: Logger | undefined;
  const log = () => (requestLog ??= requestLogger(req.headers).log);
  const webhook = await readTwilioWebhook(req, deps.check);
  if (!webhook.ok) return refuse(log(), webhook.status, webhook.reason, "status");
  let callback;
  try {
    callback = deps.provider.parseStatusCallback(webhook.params);
  } catch (error) {
    if (error instanceof InvalidStatusCallbackError) return refuse(log(), 400, error.message, "status");
    throw error;
  }
  const messageId = webhook.query.get("m");
  const outcome = await applyStatusCallback(ctx, {
    callback,
    messageId: messageId && uuidPattern.test(messageId) ? messageId : undefined,
    payload: webhook.params,
  });
  if (outcome.result === "unknown_message") {
    log().warn({ sid: callback.messageSid, status: callback.status }, "status callback for an unknown message");
  }
  if (outcome.unusableFields) {
    log().warn({ sid: callback.messageSid, fields: outcome.unusableFields }, "status callback applied without fields it could not store");
  }
  return new Response(null, { status: 204 });
}

async function inboundWebhook(ctx: WebhookContext, deps: TwilioWebhookDeps, req: Request): Promise<Response> {
  const { log } = requestLogger(req.headers);
  const webhook = await readTwilioWebhook(req, deps.check);
  if (!webhook.ok) return refuse(log, webhook.status, webhook.reason, "inbound");
  const { MessageSid, From, To, Body } = webhook.params;
  if (!MessageSid || !From || !To || Body === undefined) {
    return refuse(log, 400, "MessageSid, From, To and Body are required", "inbound");
  }
  const { reply } = await handleInboundText(ctx, { messageSid: MessageSid, from: From, to: To, body: Body }, deps.program);
  return twiml(reply ? [reply] : []);
}
