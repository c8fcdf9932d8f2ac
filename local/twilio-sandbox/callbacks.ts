import { setTimeout as sleep } from "node:timers/promises";
import { later, now, type CallbackJob, type SandboxContext } from "./context";
import { rawDlrDoneDate } from "./dates";
import { consume } from "./faults";
import { describeError, postSignedForm } from "./signed-post";
import type { CallbackAttempt, MessageRecord, MessageStatus } from "./state";

const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(["delivered", "undelivered", "failed", "canceled"]);

/** The parameters Twilio POSTs to a message's StatusCallback URL. */
export function statusCallbackParams(ctx: SandboxContext, m: MessageRecord, status: MessageStatus): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: ctx.config.accountSid,
    ApiVersion: "2010-04-01",
    MessageSid: m.sid,
    MessageStatus: status,
    SmsSid: m.sid,
    SmsStatus: status,
    To: m.to,
  };
  if (m.from) params.From = m.from;
  if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
  if ((status === "failed" || status === "undelivered") && m.errorCode !== null) params.ErrorCode = String(m.errorCode);
  if (status === "delivered" || status === "undelivered") params.RawDlrDoneDate = rawDlrDoneDate(now(ctx));
  return params;
}

/** Queues the callback for a status change, applying the duplicate / out-of-order faults. */
export function enqueueStatusCallback(ctx: SandboxContext, m: MessageRecord, status: MessageStatus): void {
  if (!m.statusCallback) return;
  const job: CallbackJob = {
    messageSid: m.sid,
    messageStatus: status,
    url: m.statusCallback,
    params: statusCallbackParams(ctx, m, status),
    duplicate: false,
  };
  if (ctx.state.faults.outOfOrderCallbacks && status === "sent") {
    ctx.heldCallbacks.set(m.sid, job);
    return;
  }
  dispatch(ctx, job);
  const held = ctx.heldCallbacks.get(m.sid);
  if (held && FINAL_STATUSES.has(status)) {
    ctx.heldCallbacks.delete(m.sid);
    dispatch(ctx, held);
  }
  if (FINAL_STATUSES.has(status) && status !== "canceled" && consume(ctx.state.faults, "lateCallbacks")) {
    // An earlier status, well after the final one: the message went through `sent` unless it failed in the queue.
    const lateStatus: MessageStatus = m.price !== null ? "sent" : "queued";
    later(ctx, ctx.state.faults.lateCallbackDelayMs, () =>
      dispatch(ctx, { ...job, messageStatus: lateStatus, params: statusCallbackParams(ctx, m, lateStatus) }),
    );
  }
}

function dispatch(ctx: SandboxContext, job: CallbackJob): void {
  chain(ctx, job);
  if (ctx.state.faults.duplicateCallbacks) chain(ctx, { ...job, duplicate: true });
}

function chain(ctx: SandboxContext, job: CallbackJob): void {
  const previous = ctx.callbackChains.get(job.messageSid) ?? Promise.resolve();
  const next = previous.then(() => deliver(ctx, job));
  ctx.callbackChains.set(job.messageSid, next);
  void next.finally(() => {
    if (ctx.callbackChains.get(job.messageSid) === next) ctx.callbackChains.delete(job.messageSid);
  });
}

/** Retries on connection errors and 5xx, recording every attempt. */
async function deliver(ctx: SandboxContext, job: CallbackJob): Promise<void> {
  const signal = ctx.abort.signal;
  for (let attempt = 1; attempt <= ctx.config.callbackAttempts; attempt++) {
    if (signal.aborted) return;
    const record: CallbackAttempt = {
      messageSid: job.messageSid,
      messageStatus: job.messageStatus,
      url: job.url,
      attempt,
      duplicate: job.duplicate,
      at: now(ctx),
      httpStatus: null,
      error: null,
    };
    ctx.state.callbackAttempts.push(record);
    try {
      const result = await postSignedForm(job.url, job.params, {
        authToken: ctx.config.authToken,
        timeoutMs: ctx.config.webhookTimeoutMs,
        signal,
        idempotencyToken: `${job.messageSid}-${job.messageStatus}`,
      });
      record.httpStatus = result.status;
      if (result.status < 500) return;
    } catch (error) {
      record.error = describeError(error);
    }
    if (attempt < ctx.config.callbackAttempts) {
      await sleep(ctx.config.callbackRetryDelayMs * attempt, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** Resolves once every queued callback has been delivered or given up. */
export async function callbacksIdle(ctx: SandboxContext): Promise<void> {
  while (ctx.callbackChains.size > 0) {
    await Promise.allSettled([...ctx.callbackChains.values()]);
  }
}
