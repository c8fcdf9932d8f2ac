import { clockTime, taskTitleForSms } from "../tasks/display";

export interface FocusTask {
  title: string;
  dueAt: Date;
}

/** What the brief says when no open task is due today or overdue. */
export const NOTHING_DUE_FOCUS = "nothing due today, a good day to plan ahead";

/**
 * The `main_focus` variable of the `daily_brief_ready` template: the most urgent open task
 * due today or overdue (picked by the sweep's query), with when it is due in the reader's zone.
 */
export function mainFocusText(task: FocusTask | null, zone: string, briefAt: Date): string {
  if (!task) return NOTHING_DUE_FOCUS;
  const title = taskTitleForSms(task.title);
  if (task.dueAt.getTime() < briefAt.getTime()) return `${title} (overdue)`;
  return `${title} (due ${clockTime(task.dueAt, zone)})`;
}
