import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { tasks } from "@/db/schema";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import type { TaskCreate } from "./schema";

export async function listOwnTasks({ db, actor }: ServiceContext<UserActor>) {
  return db
    .select()
    .from(tasks)
    .where(eq(tasks.userId, actor.userId))
    .orderBy(sql`${tasks.completedAt} is not null`, asc(tasks.dueAt), asc(tasks.createdAt))
    .limit(200);
}

export async function createTask({ db, actor }: ServiceContext<UserActor>, input: TaskCreate) {
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
