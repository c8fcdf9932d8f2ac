import type { MessageStatus, SandboxState } from "./state";

export interface ApiKey {
  sid: string;
  secret: string;
}

export interface SandboxConfig {
  accountSid: string;
  authToken: string;
  apiKeys: ApiKey[];
  messagingServiceSids: string[];
  verifyServiceSids: string[];
  /** Senders owned by the account; the first one is the Messaging Service's sender. */
  phoneNumbers: string[];
  deliveryDelayMs: number;
  callbackAttempts: number;
  callbackRetryDelayMs: number;
  webhookTimeoutMs: number;
  scheduleMinLeadMs: number;
  scheduleMaxLeadMs: number;
  verificationTtlMs: number;
  maxVerificationSends: number;
  maxVerificationChecks: number;
}

export interface CallbackJob {
  messageSid: string;
  messageStatus: MessageStatus;
  url: string;
  params: Record<string, string>;
  duplicate: boolean;
}

/** Everything a handler needs; one per sandbox instance. */
export interface SandboxContext {
  config: SandboxConfig;
  state: SandboxState;
  baseNow: () => Date;
  timers: Set<NodeJS.Timeout>;
  /** Aborted on stop/reset so in-flight webhook POSTs end. */
  abort: AbortController;
  /** Per-message chain so callbacks of one message go out in order. */
  callbackChains: Map<string, Promise<void>>;
  heldCallbacks: Map<string, CallbackJob>;
}

export function now(ctx: SandboxContext): Date {
  return new Date(ctx.baseNow().getTime() + ctx.state.clockOffsetMs);
}

/** A timer the sandbox owns, cleared on stop and reset. */
export function later(ctx: SandboxContext, ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    ctx.timers.delete(timer);
    fn();
  }, ms);
  ctx.timers.add(timer);
}

export function clearTimers(ctx: SandboxContext): void {
  for (const timer of ctx.timers) clearTimeout(timer);
  ctx.timers.clear();
}
