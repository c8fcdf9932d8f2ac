import { enqueueStatusCallback } from "./callbacks";
import { later, now, type SandboxContext } from "./context";
import { DELIVERY_ERROR_MESSAGES } from "./errors";
import type { MessageRecord, MessageStatus } from "./state";

const PRICE_PER_SEGMENT_USD = 0.0079;

/** A message that outstayed its ValidityPeriod in the sender queue: dropped, never sent. */
export const VALIDITY_EXPIRED = { status: "failed", errorCode: 30036 } as const;

/** Applies a status change and announces it to the message's StatusCallback. */
export function transition(ctx: SandboxContext, m: MessageRecord, status: MessageStatus): void {
  const at = now(ctx);
  m.status = status;
  m.dateUpdated = at;
  if (status === "queued") {
    // A Messaging Service picks its sender (and so the segment count) only now.
    m.from ??= ctx.config.phoneNumbers[0] ?? null;
    m.numSegments = m.segments;
    m.dateSent ??= at;
  }
  if (status === "sent") {
    m.price = (-PRICE_PER_SEGMENT_USD * m.segments).toFixed(5);
    m.priceUnit = "USD";
  }
  if ((status === "failed" || status === "undelivered") && m.outcome.errorCode !== null) {
    m.errorCode = m.outcome.errorCode;
    m.errorMessage = DELIVERY_ERROR_MESSAGES[m.outcome.errorCode] ?? "Unknown error";
  }
  if (m.direction !== "inbound") enqueueStatusCallback(ctx, m, status);
}

/** Walks an outbound message to its planned final status, one hop per deliveryDelayMs. */
export function beginDelivery(ctx: SandboxContext, m: MessageRecord): void {
  const steps: MessageStatus[] = [];
  if (m.status === "accepted") steps.push("queued");
  if (m.outcome.errorCode === VALIDITY_EXPIRED.errorCode) {
    runSteps(ctx, m.sid, [...steps, "failed"]);
    return;
  }
  steps.push("sending");
  if (m.outcome.status === "failed") steps.push("failed");
  else steps.push("sent", m.outcome.status);
  runSteps(ctx, m.sid, steps);
}

function runSteps(ctx: SandboxContext, sid: string, steps: MessageStatus[]): void {
  const [next, ...rest] = steps;
  if (!next) return;
  later(ctx, ctx.config.deliveryDelayMs, () => {
    const m = ctx.state.messages.get(sid);
    if (!m || m.status === "canceled") return;
    if (next === "sending" && outstayedValidity(ctx, m)) {
      // Leaving the queue too late: Twilio drops it rather than deliver it late.
      m.outcome = { ...VALIDITY_EXPIRED };
      transition(ctx, m, "failed");
      return;
    }
    transition(ctx, m, next);
    runSteps(ctx, sid, rest);
  });
}

/** Whether the message waited in the queue (sandbox clock) longer than its ValidityPeriod. */
function outstayedValidity(ctx: SandboxContext, m: MessageRecord): boolean {
  if (m.validityPeriod === null) return false;
  const queuedSince = (m.sendAt ?? m.dateCreated).getTime();
  return now(ctx).getTime() - queuedSince > m.validityPeriod * 1000;
}

/** Scheduled messages whose SendAt has come (by the sandbox clock) enter the queue. */
export function releaseDueMessages(ctx: SandboxContext): void {
  const at = now(ctx).getTime();
  for (const m of ctx.state.messages.values()) {
    if (m.status === "scheduled" && m.sendAt && m.sendAt.getTime() <= at) {
      transition(ctx, m, "queued");
      beginDelivery(ctx, m);
    }
  }
}
