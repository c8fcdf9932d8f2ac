import { z } from "zod";

/** Events the app sends and handles, with the schema each one's data must match. */
export const SMS_MESSAGE_QUEUED = "sms/message.queued";

export const messageQueuedData = z.object({ messageId: z.uuid() });
export type MessageQueuedData = z.infer<typeof messageQueuedData>;
