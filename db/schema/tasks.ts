import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { TEXT_LIMITS } from "../../common/limits";
import { users } from "./auth";
import { taskCompletedVia, taskPriority } from "./enums";

export const tasks = pgTable(
  "tasks",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text().notNull(),
    project: text().notNull().default(""),
    dueAt: timestamp({ withTimezone: true }),
    priority: taskPriority().notNull().default("normal"),
    completedAt: timestamp({ withTimezone: true }),
    /** Set with `completedAt`: in the app, or by a DONE reply to its reminder ("completed by text"). */
    completedVia: taskCompletedVia(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("tasks_user_due_idx").on(t.userId, t.dueAt),
    // The reminder sweep walks open tasks by due time (keyset on due_at, id).
    index("tasks_open_due_idx")
      .on(t.dueAt, t.id)
      .where(sql`${t.completedAt} is null and ${t.dueAt} is not null`),
    check("tasks_title_length", sql`char_length(${t.title}) <= ${sql.raw(String(TEXT_LIMITS.taskTitle))}`),
    check("tasks_project_length", sql`char_length(${t.project}) <= ${sql.raw(String(TEXT_LIMITS.taskProject))}`),
  ],
);
