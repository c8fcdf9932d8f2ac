import { z } from "zod";
import { smsPriority } from "@/db/schema";
import { defineEvent, defineJob } from "./define";

const messageRef = { messageId: z.uuid() };

/**
 * Carries one requested text through the send decision: waits for its time and through quiet
 * hours, re-decides after every wait, reserves the daily cap, then hands it to dispatch. The
 * event id is the message id, so the engine drops a repeat. Cancelled by `smsCancelledEvent`.
 */
export const sendSmsJob = defineJob({
  id: "send-sms",
  eventName: "sms/message.requested",
  schema: z.object({ ...messageRef, priority: z.enum(smsPriority.enumValues).optional() }),
  description: "Hold a requested text until it may go, decide again, then queue it for dispatch",
});

/** A message was cancelled: the send-sms run holding it stops (cancelOn matches data.messageId). */
export const smsCancelledEvent = defineEvent({
  eventName: "sms/message.cancelled",
  schema: z.object(messageRef),
  description: "Stop the run holding a cancelled message",
});

/**
 * Sends one queued message through Twilio (claim, send, record); retried on Twilio 429/5xx.
 * This is where the global throughput cap and priority apply, at the moment of sending.
 */
export const dispatchMessageJob = defineJob({
  id: "dispatch-message",
  eventName: "sms/message.queued",
  schema: z.object({
    ...messageRef,
    priority: z.enum(smsPriority.enumValues).optional(),
    /** The moment the pipeline released it for (its decision time, on the engine's clock). */
    releasedAt: z.iso.datetime().optional(),
  }),
  description: "Claim a queued message and hand it to Twilio",
});
