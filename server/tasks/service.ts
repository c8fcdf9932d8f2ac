import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { tasks } from "@/db/schema";
import { DomainError } from "../errors";
import type { TaskCreate } from "./schema";

type UserActor = { type: "user"; userId: string };

export async function listOwnTasks(db: DbOrTx, actor: UserActor) {
  return db
    .select()
    .from(tasks)
    .where(eq(tasks.userId, actor.userId))
    .orderBy(sql`${tasks.completedAt} is not null`, asc(tasks.dueAt), asc(tasks.createdAt))
    .limit(200);
}

export async function createTask(db: DbOrTx, actor: UserActor, input: TaskCreate) {
  const [task] = await db
    .insert(tasks)
    .values({ ...input, userId: actor.userId })
    .returning();
  return task!;
}

export async function completeTask(db: DbOrTx, actor: UserActor, id: string) {
  const [task] = await db
    .update(tasks)
    .set({ completedAt: new Date() })
    .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId), isNull(tasks.completedAt)))
    .returning();
  if (!task) throw new DomainError("NOT_FOUND", "Task not found or already completed");
  return task;
}
