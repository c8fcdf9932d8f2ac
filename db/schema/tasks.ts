import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { taskPriority } from "./enums";

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
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("tasks_user_due_idx").on(t.userId, t.dueAt),
    // The reminder sweep walks open tasks by due time (keyset on due_at, id).
    index("tasks_open_due_idx")
      .on(t.dueAt, t.id)
      .where(sql`${t.completedAt} is null and ${t.dueAt} is not null`),
  ],
);
