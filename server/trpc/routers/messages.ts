import { getOwnMessage, listOwnMessages, messageListSchema } from "../../messages/queries";
import { messageIdSchema } from "../../messages/schema";
import { cancelMessage } from "../../sms/cancel";
import { listOwnReplies } from "../../sms/conversations";
import { protectedProcedure, router } from "../procedures";

export const messagesRouter = router({
  list: protectedProcedure.input(messageListSchema).query(({ ctx, input }) => listOwnMessages(ctx.service, input)),
  /** The user's latest texts to us (DONE, SNOOZE, STOP …) and what each did. */
  replies: protectedProcedure.query(({ ctx }) => listOwnReplies(ctx.service)),
  get: protectedProcedure
    .input(messageIdSchema)
    .query(({ ctx, input }) => getOwnMessage(ctx.service, input.id)),
  /** Takes back one of the user's own texts that has not gone to Twilio (pending, scheduled, queued). */
  cancel: protectedProcedure
    .input(messageIdSchema)
    .mutation(({ ctx, input }) => cancelMessage(ctx.service, input.id)),
});
