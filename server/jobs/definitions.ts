import { z } from "zod";
import { defineJob } from "./define";

/** Sends one queued message through Twilio (claim, send, record); retried on Twilio 429/5xx. */
export const dispatchMessageJob = defineJob({
  id: "dispatch-message",
  eventName: "sms/message.queued",
  schema: z.object({ messageId: z.uuid() }),
  description: "Claim a queued message and hand it to Twilio",
});
