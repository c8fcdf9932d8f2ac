import { createInsertSchema, createUpdateSchema } from "drizzle-zod";
import { z } from "zod";
import { tasks } from "@/db/schema";
import { TASKS_PAGE_SIZE, TEXT_LIMITS } from "@/common/limits";
import { boundedDate, oneLineText } from "@/common/text";

/** A new task as its owner submits it, derived from the table (owner and timestamps come from the server). */
export const taskCreateSchema = createInsertSchema(tasks, {
  title: oneLineText("Title", TEXT_LIMITS.taskTitle).pipe(z.string().min(1, "Give the task a title")),
  project: oneLineText("Project name", TEXT_LIMITS.taskProject).optional(),
  dueAt: boundedDate("Choose a due date between the years 1900 and 9999").optional(),
})
  .pick({ title: true, project: true, dueAt: true, priority: true })
  .strict();

export type TaskCreate = z.infer<typeof taskCreateSchema>;

/**
 * Where the previous page of tasks ended, in list order: open before completed, then by due
 * date (none last), creation time and id. The id makes every position unique.
 */
const taskCursorSchema = z
  .object({
    completed: z.boolean(),
    dueAt: boundedDate("Not a task cursor").nullable(),
    createdAt: boundedDate("Not a task cursor"),
    id: z.uuid({ message: "Not a task cursor" }),
  })
  .strict();

export type TaskCursor = z.infer<typeof taskCursorSchema>;

export const taskListSchema = z
  .object({
    limit: z.number().int().min(1).max(100).default(TASKS_PAGE_SIZE),
    cursor: taskCursorSchema.nullish(),
    // Sent by tRPC's infinite queries; the list only pages forward.
    direction: z.literal("forward").optional(),
  })
  .strict()
  // No input at all is the first page.
  .prefault({});

export type TaskListInput = z.infer<typeof taskListSchema>;

/** Changes to one of the owner's tasks: any of title, due time and priority (null due = no due time). */
export const taskUpdateSchema = createUpdateSchema(tasks, {
  title: oneLineText("Title", TEXT_LIMITS.taskTitle).pipe(z.string().min(1, "Give the task a title")).optional(),
  dueAt: boundedDate("Choose a due date between the years 1900 and 9999").nullable().optional(),
})
  .pick({ title: true, dueAt: true, priority: true })
  .extend({ id: z.uuid({ message: "Not a task id" }) })
  .strict()
  .refine((update) => Object.keys(update).length > 1, { message: "Change the title, due time or priority", path: ["title"] });

export type TaskUpdate = z.infer<typeof taskUpdateSchema>;

/** One of the user's tasks, by id. */
export const taskIdSchema = z.object({ id: z.uuid({ message: "Not a task id" }) }).strict();
