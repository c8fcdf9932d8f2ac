export { createTwilioSandbox, type TwilioSandbox, type TwilioSandboxOptions } from "./sandbox";
export type { Faults, FaultsPatch } from "./faults";
export type { InboundInput } from "./inbound";
export type { CallbackAttempt, InboundRecord, MessageRecord, SandboxState, VerificationRecord } from "./state";
export * from "./credentials";
