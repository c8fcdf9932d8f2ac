import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { tasks } from "@/db/schema";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import type { TaskCreate, TaskUpdate } from "./schema";

export async function listOwnTasks({ db, actor }: ServiceContext<UserActor>) {
  return db
    .select()
    .from(tasks)
    .where(eq(tasks.userId, actor.userId))
    .orderBy(sql`${tasks.completedAt} is not null`, asc(tasks.dueAt), asc(tasks.createdAt))
    .limit(200);
}

/** A due time must be ahead: a reminder for a moment already gone could never be sent. */
function assertDueAhead(dueAt: Date | null | undefined, now: Date) {
  if (dueAt && dueAt.getTime() <= now.getTime()) {
    throw new DomainError("BAD_REQUEST", "Choose a due time in the future", { field: "dueAt" });
  }
}

export async function createTask({ db, actor }: ServiceContext<UserActor>, input: TaskCreate) {
  assertDueAhead(input.dueAt, new Date());
  const [task] = await db
    .insert(tasks)
    .values({ ...input, userId: actor.userId })
    .returning();
  return task!;
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
