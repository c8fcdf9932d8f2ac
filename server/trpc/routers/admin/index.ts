import { z } from "zod";
import { DASHBOARD_RANGES, dashboardSummary } from "../../../dashboard/summary";
import { getMessageForAdmin, listMessageLog, messageLogQuerySchema } from "../../../messages/admin-log";
import { searchUsersForAdmin, userSearchSchema } from "../../../users/admin-queries";
import { adminProcedure, router } from "../../procedures";
import { adminTemplatesRouter } from "./templates";

export const adminRouter = router({
  users: adminProcedure
    .input(userSearchSchema.optional())
    .query(({ ctx, input }) => searchUsersForAdmin(ctx.service, input ?? userSearchSchema.parse({}))),
  templates: adminTemplatesRouter,
  dashboard: adminProcedure
    .input(z.object({ days: z.union(DASHBOARD_RANGES.map((d) => z.literal(d))) }).strict())
    .query(({ ctx, input }) => dashboardSummary(ctx.service, input)),
  messages: router({
    list: adminProcedure.input(messageLogQuerySchema).query(({ ctx, input }) => listMessageLog(ctx.service, input)),
    get: adminProcedure
      .input(z.object({ id: z.uuid({ message: "Not a message id" }) }).strict())
      .query(({ ctx, input }) => getMessageForAdmin(ctx.service, input.id)),
  }),
});
