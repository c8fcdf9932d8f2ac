import { listUsers } from "../../../users/admin-queries";
import { adminProcedure, router } from "../../procedures";
import { adminTemplatesRouter } from "./templates";

export const adminRouter = router({
  users: adminProcedure.query(({ ctx }) => listUsers(ctx.service)),
  templates: adminTemplatesRouter,
});
