import type { Env } from "../config/env";
import { chooseSmsProvider } from "../config/runtime";
import type { TwilioProviderConfig } from "./provider";

/**
 * The provider configuration is the same for real Twilio and the local sandbox: the sandbox
 * has its own per-install account, token and SIDs (handed over by the script that starts it),
 * and differs only by the origin the SDK's requests are sent to.
 */
export function twilioConfig(env: Env): TwilioProviderConfig {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_VERIFY_SERVICE_SID: verifyServiceSid } = env;
  // parseEnv refuses a configuration without them; this only narrows the types.
  if (!accountSid || !verifyServiceSid) throw new Error("TWILIO_ACCOUNT_SID and TWILIO_VERIFY_SERVICE_SID are not configured");
  return {
    accountSid,
    authToken: env.TWILIO_AUTH_TOKEN,
    apiKeySid: env.TWILIO_API_KEY_SID,
    apiKeySecret: env.TWILIO_API_KEY_SECRET,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
    fromNumber: env.TWILIO_FROM_NUMBER,
    verifyServiceSid,
    sandboxUrl: chooseSmsProvider(env) === "sandbox" ? env.TWILIO_SANDBOX_URL : undefined,
  };
}
