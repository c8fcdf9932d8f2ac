import { now, type SandboxContext } from "./context";
import { consume } from "./faults";
import { twilioErrors, type TwilioApiError } from "./errors";
import { errorReply, json, type Reply, type TwilioRequest } from "./http";
import { beginDelivery, VALIDITY_EXPIRED } from "./lifecycle";
import { magicFromRejection, magicToRejection, plannedOutcome } from "./magic-numbers";
import { messageJson } from "./message-json";
import { newMessageRecord } from "./message-record";
import { isE164 } from "./phone";
import { measureBody } from "./segments";
import type { MessageRecord } from "./state";

const MAX_BODY_CHARS = 1600;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** POST /2010-04-01/Accounts/{AccountSid}/Messages.json */
export function createMessage(ctx: SandboxContext, req: TwilioRequest): Reply {
  const { faults } = ctx.state;
  if (consume(faults, "rateLimits")) return errorReply(twilioErrors.tooManyRequests(faults.retryAfterSeconds));
  if (consume(faults, "serverErrors")) return errorReply(twilioErrors.internal(500));

  const message = buildMessage(ctx, req.form);
  ctx.state.messages.set(message.sid, message);
  if (message.status !== "scheduled") beginDelivery(ctx, message);

  // The message exists either way; only the client loses the answer.
  if (consume(faults, "dropConnections")) return { drop: true };
  return json(201, messageJson(ctx.config.accountSid, message));
}

function buildMessage(ctx: SandboxContext, form: URLSearchParams): MessageRecord {
  const { config, state } = ctx;
  const to = (form.get("To") ?? "").trim();
  if (!to) throw twilioErrors.toRequired();

  // Twilio also takes a Messaging Service SID in From.
  const rawFrom = (form.get("From") ?? "").trim();
  const serviceSid = (form.get("MessagingServiceSid") ?? "").trim() || (rawFrom.startsWith("MG") ? rawFrom : "");
  const from = rawFrom.startsWith("MG") ? "" : rawFrom;
  if (!from && !serviceSid) throw twilioErrors.fromRequired();

  const body = form.get("Body") ?? "";
  if (!body) throw twilioErrors.bodyRequired();
  const measure = measureBody(body);
  if (measure.length > MAX_BODY_CHARS) throw twilioErrors.bodyTooLong();

  if (!isE164(to)) throw twilioErrors.invalidTo(to);
  if (serviceSid && !config.messagingServiceSids.includes(serviceSid)) throw twilioErrors.invalidMessagingService(serviceSid);
  if (from) {
    const rejection = magicFromRejection(from) ?? (config.phoneNumbers.includes(from) ? undefined : twilioErrors.fromNotOwned(from));
    if (rejection) throw rejection;
  }
  const toRejection: TwilioApiError | undefined = magicToRejection(to, from || (config.phoneNumbers[0] ?? ""));
  if (toRejection) throw toRejection;
  if (state.optedOut.has(to)) throw twilioErrors.unsubscribed();

  const sendAt = parseSchedule(ctx, form, serviceSid);
  const validityPeriod = parseValidityPeriod(form.get("ValidityPeriod"));
  const at = now(ctx);
  const expires = consume(ctx.state.faults, "validityExpiries");
  const status = sendAt ? "scheduled" : serviceSid ? "accepted" : "queued";
  return newMessageRecord(
    {
      to,
      from: from || null,
      body,
      status,
      direction: "outbound-api",
      messagingServiceSid: serviceSid || null,
      // Through a Messaging Service the sender, and so the segment count, is known only later.
      numSegments: from ? measure.numSegments : 0,
      dateSent: sendAt ? null : at,
      sendAt,
      statusCallback: parseCallbackUrl(form.get("StatusCallback")),
      validityPeriod,
      outcome: expires ? VALIDITY_EXPIRED : plannedOutcome(to),
    },
    at,
  );
}

/**
 * Scheduling needs ScheduleType=fixed, SendAt and a Messaging Service, and a SendAt
 * inside the window. SendAt without ScheduleType is ignored (the message goes now).
 */
function parseSchedule(ctx: SandboxContext, form: URLSearchParams, serviceSid: string): Date | null {
  const scheduleType = form.get("ScheduleType");
  if (scheduleType === null || scheduleType === "") return null;
  if (scheduleType !== "fixed") throw twilioErrors.scheduleTypeUnsupported();
  const raw = form.get("SendAt");
  if (!raw) throw twilioErrors.sendAtMissing();
  if (!serviceSid) throw twilioErrors.scheduleNeedsService();
  if (!ISO_UTC.test(raw) || Number.isNaN(Date.parse(raw))) throw twilioErrors.sendAtBadFormat();
  const sendAt = new Date(raw);
  const lead = sendAt.getTime() - now(ctx).getTime();
  if (lead < ctx.config.scheduleMinLeadMs || lead > ctx.config.scheduleMaxLeadMs) throw twilioErrors.sendAtOutOfWindow();
  return sendAt;
}

/** ValidityPeriod: whole seconds from 1 to 36,000 (Twilio's 10-hour queue); absent = 36,000. */
function parseValidityPeriod(raw: string | null): number | null {
  if (raw === null || raw === "") return null;
  if (!/^\d+$/.test(raw.trim())) throw twilioErrors.invalidValidityPeriod();
  const seconds = Number(raw.trim());
  if (seconds < 1 || seconds > 36_000) throw twilioErrors.invalidValidityPeriod();
  return seconds;
}

/** An unusable StatusCallback does not fail the send on Twilio (only warning 21609); no callbacks then. */
function parseCallbackUrl(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? raw : null;
  } catch {
    return null;
  }
}
