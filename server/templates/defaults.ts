import type { smsCategory } from "@/db/schema";

type Category = (typeof smsCategory.enumValues)[number];

export interface TemplateSeed {
  key: string;
  name: string;
  description: string;
  category: Category;
  body: string;
}

/**
 * The original plan's four templates, fixed so each names the program, and the
 * welcome text carries HELP/STOP and the rates notice (CTIA).
 */
export const DEFAULT_TEMPLATES: TemplateSeed[] = [
  {
    key: "task_reminder",
    name: "Task Reminder",
    description: "Sent before a task is due; reply_hint (filled by the app) says how to reply DONE or SNOOZE.",
    category: "task_reminders",
    body: "BuildOS: {{task_name}} is due {{due_time}}. {{task_context}} {{reply_hint}}",
  },
  {
    key: "daily_brief_ready",
    name: "Daily Brief Ready",
    description: "Sent at the user's daily brief time.",
    category: "daily_brief",
    body: "BuildOS: your daily brief is ready. Key focus: {{main_focus}}. Open the app for details.",
  },
  {
    key: "urgent_task",
    name: "Urgent Task Alert",
    description: "Sent for urgent tasks; goes through quiet hours.",
    category: "urgent_alerts",
    body: "BuildOS URGENT: {{task_name}} needs attention. Due: {{due_date}}. Reply STOP to opt out.",
  },
  {
    key: "welcome_sms",
    name: "Welcome Message",
    description: "The opt-in confirmation: sent when a number is verified and when texts are turned back on in settings.",
    category: "account",
    body: "{{program_name}}: you're signed up for the task reminders and alerts you choose, up to {{daily_cap}} msgs/day. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
  },
];
