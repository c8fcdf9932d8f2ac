import { createInsertSchema } from "drizzle-zod";
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
