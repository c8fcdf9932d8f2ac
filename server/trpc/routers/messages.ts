import { z } from "zod";
import { boundedDate } from "@/common/text";
import { getOwnMessage, listOwnMessages } from "../../messages/queries";
import { protectedProcedure, router } from "../procedures";

export const messagesRouter = router({
  list: protectedProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(100).default(25),
          before: boundedDate("Choose a date between the years 1900 and 9999").optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) => listOwnMessages(ctx.service, input)),
  get: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a message id" }) }).strict())
    .query(({ ctx, input }) => getOwnMessage(ctx.service, input.id)),
});
