import { z } from "zod";

export const taskCreateSchema = z
  .object({
    title: z.string().trim().min(1, "Give the task a title").max(200, "Keep the title under 200 characters"),
    project: z.string().trim().max(100, "Keep the project name under 100 characters").default(""),
    dueAt: z.date({ message: "Choose a valid due date" }).optional(),
    priority: z.enum(["urgent", "high", "normal", "low"]).default("normal"),
  })
  .strict();

export type TaskCreate = z.infer<typeof taskCreateSchema>;
