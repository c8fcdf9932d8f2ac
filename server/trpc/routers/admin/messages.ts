import { env } from "../../../config/env";
import { durableRunsConfig, durableRunsOf } from "../../../jobs/durable-runs";
import { cancelMessageAsAdmin, retryMessage, sendTestMessage, testSendSchema } from "../../../messages/admin-service";
import { getMessageForAdmin, listMessageLog, messageLogQuerySchema } from "../../../messages/admin-queries";
import { messageIdSchema } from "../../../messages/schema";
import { adminProcedure, router } from "../../procedures";

export const adminMessagesRouter = router({
  list: adminProcedure.input(messageLogQuerySchema).query(({ ctx, input }) => listMessageLog(ctx.service, input)),
  get: adminProcedure.input(messageIdSchema).query(({ ctx, input }) => getMessageForAdmin(ctx.service, input.id)),
  /** The durable runs behind a message (its id is the first event's id). */
  runs: adminProcedure.input(messageIdSchema).query(({ input }) => durableRunsOf(durableRunsConfig(env()), input.id)),
  cancel: adminProcedure.input(messageIdSchema).mutation(({ ctx, input }) => cancelMessageAsAdmin(ctx.service, input.id)),
  retry: adminProcedure.input(messageIdSchema).mutation(({ ctx, input }) => retryMessage(ctx.service, input.id)),
  testSend: adminProcedure.input(testSendSchema).mutation(({ ctx, input }) => sendTestMessage(ctx.service, input)),
});
