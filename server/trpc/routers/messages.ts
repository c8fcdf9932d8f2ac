import { z } from "zod";
import { getOwnMessage, listOwnMessages, messageListSchema } from "../../messages/queries";
import { cancelMessage } from "../../sms/cancel";
import { listOwnReplies } from "../../sms/conversations";
import { protectedProcedure, router } from "../procedures";

export const messagesRouter = router({
  list: protectedProcedure.input(messageListSchema).query(({ ctx, input }) => listOwnMessages(ctx.service, input)),
  /** The user's latest texts to us (DONE, SNOOZE, STOP …) and what each did. */
  replies: protectedProcedure.query(({ ctx }) => listOwnReplies(ctx.service)),
  get: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a message id" }) }).strict())
    .query(({ ctx, input }) => getOwnMessage(ctx.service, input.id)),
  /** Takes back one of the user's own texts that has not gone to Twilio (pending, scheduled, queued). */
  cancel: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a message id" }) }).strict())
    .mutation(({ ctx, input }) => cancelMessage(ctx.service, input.id)),
});
