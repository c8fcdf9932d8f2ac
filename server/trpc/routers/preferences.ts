import { getPreferences, updatePreferences } from "../../preferences/service";
import { preferencesUpdateSchema } from "../../preferences/schema";
import { protectedProcedure, router } from "../procedures";

export const preferencesRouter = router({
  get: protectedProcedure.query(({ ctx }) => getPreferences(ctx.service)),
  update: protectedProcedure
    .input(preferencesUpdateSchema)
    .mutation(({ ctx, input }) => updatePreferences(ctx.service, input)),
});
