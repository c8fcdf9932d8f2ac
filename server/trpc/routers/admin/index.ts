import { z } from "zod";
import { DASHBOARD_RANGES, dashboardSummary } from "../../../dashboard/admin-queries";
import { userConversation } from "../../../sms/conversations";
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
    .input(z.object({ userId: z.string().min(1).max(200) }).strict())
    .query(({ ctx, input }) => userConversation(ctx.service, input.userId)),
  templates: adminTemplatesRouter,
  dashboard: adminProcedure
    .input(z.object({ days: z.union(DASHBOARD_RANGES.map((d) => z.literal(d))) }).strict())
    .query(({ ctx, input }) => dashboardSummary(ctx.service, input)),
  messages: adminMessagesRouter,
  sandbox: adminSandboxRouter,
});
