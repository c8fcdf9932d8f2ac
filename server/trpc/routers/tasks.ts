import { z } from "zod";
import { taskCreateSchema, taskListSchema, taskUpdateSchema } from "../../tasks/schema";
import { listOwnTasks } from "../../tasks/queries";
import { completeTask, createTask, reopenTask, updateTask } from "../../tasks/service";
import { protectedProcedure, router } from "../procedures";

export const tasksRouter = router({
  list: protectedProcedure.input(taskListSchema).query(({ ctx, input }) => listOwnTasks(ctx.service, input)),
  create: protectedProcedure.input(taskCreateSchema).mutation(({ ctx, input }) => createTask(ctx.service, input)),
  update: protectedProcedure.input(taskUpdateSchema).mutation(({ ctx, input }) => updateTask(ctx.service, input)),
  complete: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a task id" }) }).strict())
    .mutation(({ ctx, input }) => completeTask(ctx.service, input.id)),
  reopen: protectedProcedure
    .input(z.object({ id: z.uuid({ message: "Not a task id" }) }).strict())
    .mutation(({ ctx, input }) => reopenTask(ctx.service, input.id)),
});
