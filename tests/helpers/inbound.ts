import twilio from "twilio";
import type { DbOrTx } from "@/db/client";
import { handleInboundWebhook } from "@/server/webhooks/twilio-handlers";
import { recordingJobs } from "./jobs";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "./sandbox-account";
import { sandboxProvider } from "./sms";

const PUBLIC_URL = "https://sms.example.test";
const INBOUND_URL = `${PUBLIC_URL}/api/webhooks/twilio/inbound`;
const OUR_NUMBER = "+15005550006";
let sidCounter = 0;
export const newInboundSid = () => `SM${(++sidCounter).toString(16).padStart(32, "c")}`;

/** The <Message> bodies of a TwiML answer. */
export const twimlMessages = (xml: string) =>
  [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => m[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"'));

/**
 * A text from `from`, POSTed to the inbound webhook handler as Twilio does: form-encoded, signed
 * by the twilio SDK over the public URL. Returns the HTTP response and the TwiML answers.
 */
export async function signedInbound(db: DbOrTx, from: string, body: string, messageSid = newInboundSid()) {
  const params = { AccountSid: SANDBOX_ACCOUNT_SID, MessageSid: messageSid, SmsSid: messageSid, From: from, To: OUR_NUMBER, Body: body, NumMedia: "0" };
  const signature = twilio.getExpectedTwilioSignature(SANDBOX_AUTH_TOKEN, INBOUND_URL, params);
  const provider = sandboxProvider();
  const jobs = recordingJobs();
  const response = await handleInboundWebhook(
    {
      db,
      jobs,
      provider,
      check: { publicUrl: PUBLIC_URL, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider },
      program: { name: "BuildOS SMS", supportUrl: "https://example.test/help" },
    },
    new Request("http://127.0.0.1:3000/api/webhooks/twilio/inbound", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
      body: new URLSearchParams(params).toString(),
    }),
  );
  return { response, replies: twimlMessages(await response.clone().text()), sid: messageSid, jobs };
}
