import {
  SANDBOX_ACCOUNT_SID,
  SANDBOX_AUTH_TOKEN,
  SANDBOX_MESSAGING_SERVICE_SID,
  SANDBOX_VERIFY_SERVICE_SID,
} from "@/local/twilio-sandbox/credentials";
import type { Env } from "../config/env";
import type { TwilioProviderConfig } from "./provider";

/**
 * Real Twilio when credentials are configured, otherwise the local sandbox with its fixed
 * credentials (shared with the sandbox so its signed callbacks verify here).
 */
export function twilioConfig(env: Env): TwilioProviderConfig {
  if (env.TWILIO_ACCOUNT_SID) {
    return {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      apiKeySid: env.TWILIO_API_KEY_SID,
      apiKeySecret: env.TWILIO_API_KEY_SECRET,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
      fromNumber: env.TWILIO_FROM_NUMBER,
      verifyServiceSid: env.TWILIO_VERIFY_SERVICE_SID ?? "",
    };
  }
  return {
    accountSid: SANDBOX_ACCOUNT_SID,
    authToken: SANDBOX_AUTH_TOKEN,
    messagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID,
    verifyServiceSid: SANDBOX_VERIFY_SERVICE_SID,
    sandboxUrl: env.TWILIO_SANDBOX_URL,
  };
}
