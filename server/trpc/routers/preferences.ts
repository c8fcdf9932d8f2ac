import { adoptDetectedTimeZone, getPreferences, updatePreferences } from "../../preferences/service";
import { detectedTimeZoneSchema, preferencesUpdateSchema } from "../../preferences/schema";
import { protectedProcedure, router } from "../procedures";

export const preferencesRouter = router({
  get: protectedProcedure.query(({ ctx }) => getPreferences(ctx.service)),
  update: protectedProcedure
    .input(preferencesUpdateSchema)
    .mutation(({ ctx, input }) => updatePreferences(ctx.service, input)),
  /** The browser reports its zone; it is kept only while the user has not chosen one. */
  adoptDetectedTimeZone: protectedProcedure
    .input(detectedTimeZoneSchema)
    .mutation(({ ctx, input }) => adoptDetectedTimeZone(ctx.service, input.timeZone)),
});
