import { z } from "zod";
import { getOwnMessage, listOwnMessages, messageListSchema } from "../../messages/queries";
import { protectedProcedure, router } from "../procedures";

export const messagesRouter = router({
  list: protectedProcedure.input(messageListSchema).query(({ ctx, input }) => listOwnMessages(ctx.service, input)),
  get: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a message id" }) }).strict())
    .query(({ ctx, input }) => getOwnMessage(ctx.service, input.id)),
});
