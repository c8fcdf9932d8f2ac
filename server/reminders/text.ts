import { replyHint } from "@/common/reply-words";
import { duePhrase, projectForSms, taskTitleForSms } from "../tasks/display";

export interface ReminderTask {
  title: string;
  project: string;
  dueAt: Date;
}

/**
 * Variables of the `task_reminder` template ("BuildOS: {{task_name}} is due {{due_time}}.
 * {{task_context}} {{reply_hint}}"): the due time as the reader's clock shows it ("at 3:30 PM"),
 * never a countdown ("in 0 hours") that is wrong by the time the text is read; how to reply.
 */
export function reminderVariables(
  task: ReminderTask,
  zone: string,
  now: Date,
  reply: { replyRef: number; actOnReplies: boolean },
): Record<string, string> {
  const project = projectForSms(task.project);
  return {
    task_name: taskTitleForSms(task.title),
    due_time: duePhrase(task.dueAt, zone, now),
    // Every template variable must be non-blank (render refuses blanks), so a task without a
    // project still gets a useful last sentence.
    task_context: project ? `Project: ${project}.` : "Open BuildOS for details.",
    reply_hint: replyHint(reply.replyRef, reply.actOnReplies),
  };
}
