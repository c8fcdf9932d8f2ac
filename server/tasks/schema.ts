import { createInsertSchema, createUpdateSchema } from "drizzle-zod";
import { z } from "zod";
import { tasks } from "@/db/schema";

/** A new task as its owner submits it, derived from the table (owner and timestamps come from the server). */
export const taskCreateSchema = createInsertSchema(tasks, {
  title: z.string().trim().min(1, "Give the task a title").max(200, "Keep the title under 200 characters"),
  project: z.string().trim().max(100, "Keep the project name under 100 characters").optional(),
  dueAt: z.date({ message: "Choose a valid due date" }).optional(),
})
  .pick({ title: true, project: true, dueAt: true, priority: true })
  .strict();

export type TaskCreate = z.infer<typeof taskCreateSchema>;

/** Changes to one of the owner's tasks: any of title, due time and priority (null due = no due time). */
export const taskUpdateSchema = createUpdateSchema(tasks, {
  title: z.string().trim().min(1, "Give the task a title").max(200, "Keep the title under 200 characters").optional(),
  dueAt: z.date({ message: "Choose a valid due date" }).nullable().optional(),
})
  .pick({ title: true, dueAt: true, priority: true })
  .extend({ id: z.uuid({ message: "Not a task id" }) })
  .strict()
  .refine((update) => Object.keys(update).length > 1, { message: "Change the title, due time or priority", path: ["title"] });

export type TaskUpdate = z.infer<typeof taskUpdateSchema>;
