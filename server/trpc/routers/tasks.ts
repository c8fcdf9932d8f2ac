import { taskCreateSchema, taskIdSchema, taskListSchema, taskUpdateSchema } from "../../tasks/schema";
import { listOwnTasks } from "../../tasks/queries";
import { completeTask, createTask, deleteTask, reopenTask, updateTask } from "../../tasks/service";
import { protectedProcedure, router } from "../procedures";

export const tasksRouter = router({
  list: protectedProcedure.input(taskListSchema).query(({ ctx, input }) => listOwnTasks(ctx.service, input)),
  create: protectedProcedure.input(taskCreateSchema).mutation(({ ctx, input }) => createTask(ctx.service, input)),
  update: protectedProcedure.input(taskUpdateSchema).mutation(({ ctx, input }) => updateTask(ctx.service, input)),
  complete: protectedProcedure
    .input(taskIdSchema)
    .mutation(({ ctx, input }) => completeTask(ctx.service, input.id)),
  delete: protectedProcedure
    .input(taskIdSchema)
    .mutation(({ ctx, input }) => deleteTask(ctx.service, input.id)),
  reopen: protectedProcedure
    .input(taskIdSchema)
    .mutation(({ ctx, input }) => reopenTask(ctx.service, input.id)),
});
