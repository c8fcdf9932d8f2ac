import { getTemplateForAdmin, listTemplatesForAdmin } from "../../../templates/admin-queries";
import { createTemplate, saveTemplate, setTemplateActive } from "../../../templates/admin-service";
import { templateActiveSchema, templateCreateSchema, templateIdSchema, templateSaveSchema } from "../../../templates/admin-schema";
import { adminProcedure, router } from "../../procedures";

export const adminTemplatesRouter = router({
  list: adminProcedure.query(({ ctx }) => listTemplatesForAdmin(ctx.service)),
  get: adminProcedure.input(templateIdSchema).query(({ ctx, input }) => getTemplateForAdmin(ctx.service, input.id)),
  create: adminProcedure.input(templateCreateSchema).mutation(({ ctx, input }) => createTemplate(ctx.service, input)),
  save: adminProcedure.input(templateSaveSchema).mutation(({ ctx, input }) => saveTemplate(ctx.service, input)),
  setActive: adminProcedure.input(templateActiveSchema).mutation(({ ctx, input }) => setTemplateActive(ctx.service, input)),
});
