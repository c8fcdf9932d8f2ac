import { env } from "../config/env";
import { twilioConfig } from "./config";
import { createTwilioProvider, type SmsProvider } from "./provider";

const key = Symbol.for("buildos-sms.sms-provider");
type Holder = { [key]?: SmsProvider };

/** The process-wide SMS provider built from configuration. */
export function smsProvider(): SmsProvider {
  const holder = globalThis as Holder;
  holder[key] ??= createTwilioProvider(twilioConfig(env()));
  return holder[key];
}

export function smsAccountSid(): string {
  return twilioConfig(env()).accountSid;
}
