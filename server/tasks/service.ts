import { and, count, eq, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { tasks, users, type taskCompletedVia } from "@/db/schema";
import { MAX_TASKS_PER_USER } from "@/common/limits";
import { DomainError } from "../errors";
import { cancelStaleReminders, stopCancelledRuns } from "../reminders/cancel";
import type { Actor, ServiceContext, UserActor } from "../service-context";
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

type Task = typeof tasks.$inferSelect;
type CompletedVia = (typeof taskCompletedVia.enumValues)[number];

/**
 * Completes one of the user's open tasks and cancels its reminders that have not left
 * (`task_done`), in one transaction; null when the task is not theirs, gone or already done.
 * The app and a DONE reply (server/sms/reply-actions) both complete tasks through here.
 */
export async function completeOwnedTask(
  db: DbOrTx,
  actor: Actor,
  { taskId, userId, via, at }: { taskId: string; userId: string; via: CompletedVia; at: Date },
): Promise<{ task: Task; cancelled: string[] } | null> {
  return db.transaction(async (tx) => {
    const [task] = await tx
      .update(tasks)
      .set({ completedAt: at, completedVia: via })
      .where(and(eq(tasks.id, taskId), eq(tasks.userId, userId), isNull(tasks.completedAt)))
      .returning();
    if (!task) return null;
    return { task, cancelled: await cancelStaleReminders(tx, actor, task.id, at) };
  });
}

export async function completeTask({ db, actor, jobs }: ServiceContext<UserActor>, id: string) {
  const done = await completeOwnedTask(db, actor, { taskId: id, userId: actor.userId, via: "app", at: new Date() });
  if (!done) throw new DomainError("NOT_FOUND", "Task not found or already completed");
  await stopCancelledRuns(jobs, done.cancelled);
  return done.task;
}

/**
 * Opens a completed task again (a "Done" clicked by mistake): it is listed as open, can be
 * edited, and gets its reminder if its due time is still ahead (the reminder sweep skips only
 * completed tasks, and its dedupe key keeps a reminder already sent from going twice).
 */
export async function reopenTask({ db, actor }: ServiceContext<UserActor>, id: string) {
  const [task] = await db
    .update(tasks)
    .set({ completedAt: null, completedVia: null })
    .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId), isNotNull(tasks.completedAt)))
    .returning();
  if (!task) throw new DomainError("NOT_FOUND", "Task not found or not completed");
  return task;
}

/**
 * Changes the title, due time or priority of one of the actor's open tasks. A new due time
 * cancels the reminder made for the old one (`task_moved`); the reminder sweep makes the one for
 * the new time, so the task gets one reminder, for when it is now due.
 */
export async function updateTask({ db, actor, jobs }: ServiceContext<UserActor>, { id, ...changes }: TaskUpdate) {
  const now = new Date();
  assertDueAhead(changes.dueAt, now);
  const updated = await db.transaction(async (tx) => {
    const [task] = await tx
      .update(tasks)
      .set(changes)
      .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId), isNull(tasks.completedAt)))
      .returning();
    if (!task) return null;
    const cancelled = changes.dueAt === undefined ? [] : await cancelStaleReminders(tx, actor, task.id, now);
    return { task, cancelled };
  });
  if (!updated) throw new DomainError("NOT_FOUND", "Task not found or already completed");
  await stopCancelledRuns(jobs, updated.cancelled);
  return updated.task;
}

/** Deletes one of the actor's tasks; its reminders that have not left are cancelled (`task_deleted`). */
export async function deleteTask({ db, actor, jobs }: ServiceContext<UserActor>, id: string) {
  const cancelled = await db.transaction(async (tx) => {
    const [task] = await tx
      .delete(tasks)
      .where(and(eq(tasks.id, id), eq(tasks.userId, actor.userId)))
      .returning({ id: tasks.id });
    if (!task) return null;
    return cancelStaleReminders(tx, actor, task.id, new Date());
  });
  if (!cancelled) throw new DomainError("NOT_FOUND", "Task not found");
  await stopCancelledRuns(jobs, cancelled);
  return { id };
}
