import { env } from "../config/env";
import { processSingleton } from "../process-singleton";
import { twilioConfig } from "./config";
import { createTwilioProvider } from "./provider";

/** The process-wide SMS provider built from configuration. */
export const smsProvider = processSingleton("sms-provider", () => createTwilioProvider(twilioConfig(env())));

export function smsAccountSid(): string {
  return twilioConfig(env()).accountSid;
}
