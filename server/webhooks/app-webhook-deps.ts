import { env } from "../config/env";
import { db } from "../db";
import { appJobs } from "../jobs/inngest-client";
import { smsAccountSid, smsProvider } from "../sms/app-provider";
import type { TwilioWebhookDeps } from "./twilio-handlers";

/** The webhook dependencies of the running app, from configuration. */
export function appWebhookDeps(): TwilioWebhookDeps {
  const config = env();
  const provider = smsProvider();
  return {
    db: db(),
    jobs: appJobs(),
    provider,
    check: { publicUrl: config.PUBLIC_URL, trustProxy: config.TRUST_PROXY > 0, accountSid: smsAccountSid(), provider },
    program: { name: config.SMS_PROGRAM_NAME, supportUrl: config.SMS_SUPPORT_URL ?? `${config.PUBLIC_URL}/help` },
  };
}
