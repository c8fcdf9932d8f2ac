import { and, count, eq, isNotNull, isNull } from "drizzle-orm";
import { tasks, users } from "@/db/schema";
import { MAX_TASKS_PER_USER } from "@/common/limits";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import type { TaskCreate, TaskUpdate } from "./schema";

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

/**
 * Opens a completed task again (a "Done" clicked by mistake): it is listed as open, can be
 * edited, and gets its reminder if its due time is still ahead (the reminder sweep skips only
 * completed tasks, and its dedupe key keeps a reminder already sent from going twice).
 */
export async function reopenTask({ db, actor }: ServiceContext<UserActor>, id: string) {
  const [task] = await db
    .update(tasks)
    .set({ completedAt: null })
    .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId), isNotNull(tasks.completedAt)))
    .returning();
  if (!task) throw new DomainError("NOT_FOUND", "Task not found or not completed");
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
