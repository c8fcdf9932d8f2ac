import { listTemplates } from "../../templates/service";
import { listUsers } from "../../users/admin-queries";
import { adminProcedure, router } from "../procedures";

export const adminRouter = router({
  users: adminProcedure.query(({ ctx }) => listUsers(ctx.service)),
  templates: adminProcedure.query(({ ctx }) => listTemplates(ctx.service)),
});
