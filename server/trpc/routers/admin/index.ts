import { dashboardQuerySchema, dashboardSummary } from "../../../dashboard/admin-queries";
import { searchUsersForAdmin, userSearchSchema } from "../../../users/admin-queries";
import { adminProcedure, router } from "../../procedures";
import { adminMessagesRouter } from "./messages";
import { adminSandboxRouter } from "./sandbox";
import { adminTemplatesRouter } from "./templates";

export const adminRouter = router({
  users: adminProcedure
    .input(userSearchSchema.optional())
    .query(({ ctx, input }) => searchUsersForAdmin(ctx.service, input ?? userSearchSchema.parse({}))),
  templates: adminTemplatesRouter,
  dashboard: adminProcedure
    .input(dashboardQuerySchema)
    .query(({ ctx, input }) => dashboardSummary(ctx.service, input)),
  messages: adminMessagesRouter,
  sandbox: adminSandboxRouter,
});
