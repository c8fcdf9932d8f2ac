import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import { tasks, users } from "@/db/schema";
import { MAX_TASKS_PER_USER } from "@/common/limits";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import type { TaskCreate, TaskCursor, TaskListInput, TaskUpdate } from "./schema";

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
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}

/** A due time must be ahead: a reminder for a moment already gone could never be sent. */
function assertDueAhead(dueAt: Date | null | undefined, now: Date) {
  if (dueAt && dueAt.getTime() <= now.getTime()) {
    throw new DomainError("BAD_REQUEST", "Choose a due time in the future", { field: "dueAt" });
  }
}

export async function createTask({ db, actor }: ServiceContext<UserActor>, input: TaskCreate) {
  assertDueAhead(input.dueAt, new Date());
  return db.transaction(async (tx) => {
    // The owner's row lock makes count-then-insert exact when requests race.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.userId)).for("update");
    const [existing] = await tx.select({ n: count() }).from(tasks).where(eq(tasks.userId, actor.userId));
    if ((existing?.n ?? 0) >= MAX_TASKS_PER_USER) {
      throw new DomainError("CONFLICT", `You can keep at most ${MAX_TASKS_PER_USER} tasks.`, { field: "title" });
    }
    const [task] = await tx
      .insert(tasks)
      .values({ ...input, userId: actor.userId })
      .returning();
    return task!;
  });
}

export async function completeTask({ db, actor }: ServiceContext<UserActor>, id: string) {
  const [task] = await db
    .update(tasks)
    .set({ completedAt: new Date() })
    .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId), isNull(tasks.completedAt)))
    .returning();
  if (!task) throw new DomainError("NOT_FOUND", "Task not found or already completed");
  return task;
}

/** Changes the title, due time or priority of one of the actor's open tasks. */
export async function updateTask({ db, actor }: ServiceContext<UserActor>, { id, ...changes }: TaskUpdate) {
  assertDueAhead(changes.dueAt, new Date());
  const [task] = await db
    .update(tasks)
    .set(changes)
    .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId), isNull(tasks.completedAt)))
    .returning();
  if (!task) throw new DomainError("NOT_FOUND", "Task not found or already completed");
  return task;
}
