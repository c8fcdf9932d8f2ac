import { callbacksIdle } from "./callbacks";
import { clearTimers, now, type SandboxContext } from "./context";
import { faultsPatchSchema, type Faults, type FaultsPatch } from "./faults";
import { releaseDueMessages } from "./lifecycle";
import { emptyState } from "./state";
import { findPending } from "./verify";

/** Operations shared by the library object and the /__sandbox/ HTTP API. */

export function resetSandbox(ctx: SandboxContext): void {
  clearTimers(ctx);
  ctx.abort.abort();
  ctx.abort = new AbortController();
  ctx.callbackChains.clear();
  ctx.heldCallbacks.clear();
  ctx.state = emptyState(ctx.state.inboundWebhookUrl);
}

export function setFaults(ctx: SandboxContext, patch: FaultsPatch): Faults {
  Object.assign(ctx.state.faults, faultsPatchSchema.parse(patch));
  return { ...ctx.state.faults };
}

/** Moves the sandbox clock forward; scheduled messages that became due are released. */
export function advanceClock(ctx: SandboxContext, ms: number): Date {
  ctx.state.clockOffsetMs += ms;
  releaseDueMessages(ctx);
  return now(ctx);
}

export function verificationCode(ctx: SandboxContext, to: string): string | undefined {
  return findPending(ctx, { to })?.code;
}

export { callbacksIdle };
