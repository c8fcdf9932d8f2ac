import { publicProcedure, router } from "../procedures";

export const sessionRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),
});
