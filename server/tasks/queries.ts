import { and, asc, eq, sql } from "drizzle-orm";
import { tasks } from "@/db/schema";
import type { ServiceContext, UserActor } from "../service-context";
import type { TaskCursor, TaskListInput } from "./schema";
import { fetchLimit, keysetPage } from "../keyset-page";

type Task = typeof tasks.$inferSelect;

/**
 * The list order as one row value: open before completed, due date (none last), creation time
 * (to the millisecond, the precision a cursor carries through JavaScript) and id (unique).
 */
const listKey = sql`(${tasks.completedAt} is not null, coalesce(${tasks.dueAt}, 'infinity'::timestamptz), date_trunc('milliseconds', ${tasks.createdAt}), ${tasks.id})`;

function cursorKey(cursor: TaskCursor) {
  const due = cursor.dueAt ? cursor.dueAt.toISOString() : null;
  return sql`(${cursor.completed}::boolean, coalesce(${due}::timestamptz, 'infinity'::timestamptz), ${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
}

const cursorOf = (task: Task): TaskCursor => ({
  completed: task.completedAt !== null,
  dueAt: task.dueAt,
  createdAt: task.createdAt,
  id: task.id,
});

/** One page of the actor's tasks (keyset pagination: pages stay stable while tasks are added). */
export async function listOwnTasks({ db, actor }: ServiceContext<UserActor>, { limit, cursor }: TaskListInput) {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.userId, actor.userId), cursor ? sql`${listKey} > ${cursorKey(cursor)}` : undefined))
    .orderBy(
      sql`${tasks.completedAt} is not null`,
      sql`coalesce(${tasks.dueAt}, 'infinity'::timestamptz)`,
      sql`date_trunc('milliseconds', ${tasks.createdAt})`,
      asc(tasks.id),
    )
    .limit(fetchLimit(limit));
  return keysetPage(rows, limit, (row) => row, cursorOf);
}
