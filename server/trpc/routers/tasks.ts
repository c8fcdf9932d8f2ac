import { z } from "zod";
import { taskCreateSchema, taskUpdateSchema } from "../../tasks/schema";
import { completeTask, createTask, listOwnTasks, updateTask } from "../../tasks/service";
import { protectedProcedure, router } from "../procedures";

export const tasksRouter = router({
  list: protectedProcedure.query(({ ctx }) => listOwnTasks(ctx.service)),
  create: protectedProcedure.input(taskCreateSchema).mutation(({ ctx, input }) => createTask(ctx.service, input)),
  update: protectedProcedure.input(taskUpdateSchema).mutation(({ ctx, input }) => updateTask(ctx.service, input)),
  complete: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a task id" }) }).strict())
    .mutation(({ ctx, input }) => completeTask(ctx.service, input.id)),
});
