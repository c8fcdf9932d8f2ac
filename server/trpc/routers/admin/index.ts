import { dashboardInputSchema, dashboardSummary } from "../../../dashboard/admin-queries";
import { userConversation, userConversationSchema } from "../../../sms/conversations";
import { liveEvents } from "../../../live/stream";
import { searchUsersForAdmin, userSearchSchema } from "../../../users/admin-queries";
import { adminProcedure, router } from "../../procedures";
import { adminMessagesRouter } from "./messages";
import { adminSandboxRouter } from "./sandbox";
import { adminTemplatesRouter } from "./templates";

export const adminRouter = router({
  users: adminProcedure
    .input(userSearchSchema.optional())
    .query(({ ctx, input }) => searchUsersForAdmin(ctx.service, input ?? userSearchSchema.parse({}))),
  /** One user's texts both ways, with what each reply did. */
  userConversation: adminProcedure
    .input(userConversationSchema)
    .query(({ ctx, input }) => userConversation(ctx.service, input.userId)),
  templates: adminTemplatesRouter,
  dashboard: adminProcedure
    .input(dashboardInputSchema)
    .query(({ ctx, input }) => dashboardSummary(ctx.service, input)),
  messages: adminMessagesRouter,
  sandbox: adminSandboxRouter,
  /** Any user's texts or SMS settings changed: the admin pages read again (see routers/live.ts). */
  live: adminProcedure.subscription(({ ctx, signal }) => liveEvents(ctx.live, () => true, signal)),
});
