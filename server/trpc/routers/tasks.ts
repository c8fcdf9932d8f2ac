import { z } from "zod";
import { taskCreateSchema, taskListSchema } from "../../tasks/schema";
import { completeTask, createTask, listOwnTasks } from "../../tasks/service";
import { protectedProcedure, router } from "../procedures";

export const tasksRouter = router({
  list: protectedProcedure
    .input(taskListSchema)
    .query(({ ctx, input }) => listOwnTasks(ctx.db, { type: "user", userId: ctx.user.id }, input)),
  create: protectedProcedure
    .input(taskCreateSchema)
    .mutation(({ ctx, input }) => createTask(ctx.db, { type: "user", userId: ctx.user.id }, input)),
  complete: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a task id" }) }).strict())
    .mutation(({ ctx, input }) => completeTask(ctx.db, { type: "user", userId: ctx.user.id }, input.id)),
});
