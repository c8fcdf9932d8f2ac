import type { Env } from "../config/env";
import { chooseSmsProvider } from "../config/runtime";
import { DomainError } from "../errors";
import { sandboxClient, SandboxUnavailableError, type SandboxClient } from "./client";

/** The sandbox phone works only when the app's SMS provider is the sandbox. */
export type SandboxPhoneDeps = { available: true; client: SandboxClient } | { available: false; reason: string };

/** Only the provider choice and the sandbox's address matter here. */
type SandboxPhoneSettings = Pick<Env, "SMS_PROVIDER" | "TWILIO_ACCOUNT_SID" | "TWILIO_SANDBOX_URL">;

export function sandboxPhoneDeps(env: SandboxPhoneSettings, fetchImpl: typeof fetch = fetch): SandboxPhoneDeps {
  if (chooseSmsProvider(env) !== "sandbox") {
    return { available: false, reason: "Texts go through real Twilio here, so there is no sandbox phone to show." };
  }
  return { available: true, client: sandboxClient(env.TWILIO_SANDBOX_URL, fetchImpl) };
}

/** The sandbox client, or the reason there is none as a PRECONDITION_FAILED for the page to show. */
export function clientOf(deps: SandboxPhoneDeps): SandboxClient {
  if (!deps.available) throw new DomainError("PRECONDITION_FAILED", deps.reason);
  return deps.client;
}

/** A sandbox that does not answer is a PRECONDITION_FAILED with its reason, not an internal error. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SandboxUnavailableError) throw new DomainError("PRECONDITION_FAILED", error.message);
    throw error;
  }
}
