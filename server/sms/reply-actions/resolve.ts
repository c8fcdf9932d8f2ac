/** A task reminder recently sent to the number a reply came from, as the resolver sees it. */
export interface ReplyCandidate {
  messageId: string;
  userId: string;
  taskId: string;
  /** The reference its text carried (1 when it carried none). */
  replyRef: number;
  sentAt: Date;
  /** Its task now; null when the task was deleted. */
  task: { title: string; project: string; dueAt: Date | null; completedAt: Date | null } | null;
  /** A reply already completed or snoozed through it. */
  answered: boolean;
}

export type Resolution =
  | { kind: "one"; reminder: ReplyCandidate }
  /** Several reminders are open and the reply named none: ask which, listing them. */
  | { kind: "ask"; open: ReplyCandidate[] }
  /** The reply named a reference no recent reminder carries. */
  | { kind: "unknown_ref"; ref: number; open: ReplyCandidate[] }
  | { kind: "none" };

const isOpen = (c: ReplyCandidate) => c.task !== null && c.task.completedAt === null && !c.answered;

/**
 * Which reminder a reply answers, from the reminders recently sent to its number (newest first):
 * - with a reference ("DONE 2"): the newest reminder carrying it;
 * - without: the one open reminder (task open, not yet answered), or a question listing the open
 *   ones when there are several; with none open, the newest reminder, so the answer can say its
 *   task is already done or gone.
 * Candidates are only reminders sent to this number for users whose verified number it is, so a
 * reference can never reach another person's task. Pure: the caller loads the candidates.
 */
export function resolveReply(candidates: readonly ReplyCandidate[], ref: number | null): Resolution {
  const newestFirst = [...candidates].sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime() || b.messageId.localeCompare(a.messageId));
  // One entry per task: a snoozed task's new reminder stands for it.
  const seen = new Set<string>();
  const open = newestFirst.filter((c) => isOpen(c) && !seen.has(c.taskId) && seen.add(c.taskId));
  const byRef = [...open].sort((a, b) => a.replyRef - b.replyRef);
  if (ref !== null) {
    const named = newestFirst.find((c) => c.replyRef === ref);
    return named ? { kind: "one", reminder: named } : { kind: "unknown_ref", ref, open: byRef };
  }
  if (open.length === 1) return { kind: "one", reminder: open[0]! };
  if (open.length > 1) return { kind: "ask", open: byRef };
  return newestFirst[0] ? { kind: "one", reminder: newestFirst[0] } : { kind: "none" };
}
