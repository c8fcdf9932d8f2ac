import { now, type SandboxContext } from "./context";
import { iso8601 } from "./dates";
import { messageJson } from "./message-json";
import type { MessageRecord, VerificationRecord } from "./state";

/** Messages as the Twilio API shows them, plus what only the sandbox knows. */
export function messageView(ctx: SandboxContext, m: MessageRecord) {
  return {
    ...messageJson(ctx.config.accountSid, m),
    encoding: m.encoding,
    send_at: m.sendAt ? iso8601(m.sendAt) : null,
    status_callback: m.statusCallback,
  };
}

export function verificationView(v: VerificationRecord) {
  return {
    sid: v.sid,
    serviceSid: v.serviceSid,
    to: v.to,
    code: v.code,
    status: v.status,
    sendAttempts: v.sendCodeAttempts.length,
    checkAttempts: v.checkAttempts,
    dateCreated: v.dateCreated,
    expiresAt: v.expiresAt,
  };
}

/** GET /__sandbox/state: everything, JSON-ready. */
export function stateView(ctx: SandboxContext) {
  const { state } = ctx;
  return {
    now: now(ctx),
    clockOffsetMs: state.clockOffsetMs,
    inboundWebhookUrl: state.inboundWebhookUrl,
    messages: [...state.messages.values()].map((m) => messageView(ctx, m)),
    verifications: [...state.verifications.values()].map(verificationView),
    inbound: state.inbound,
    callbackAttempts: state.callbackAttempts,
    optedOut: [...state.optedOut],
    faults: state.faults,
  };
}
