import { getPreferences, updatePreferences } from "../../preferences/service";
import { preferencesUpdateSchema } from "../../preferences/schema";
import { protectedProcedure, router } from "../procedures";

const userActor = (userId: string) => ({ type: "user" as const, userId });

export const preferencesRouter = router({
  get: protectedProcedure.query(({ ctx }) => getPreferences(ctx.db, userActor(ctx.user.id), ctx.user.id)),
  update: protectedProcedure
    .input(preferencesUpdateSchema)
    .mutation(({ ctx, input }) => updatePreferences(ctx.db, userActor(ctx.user.id), ctx.user.id, input)),
});
