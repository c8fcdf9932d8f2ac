import { DAILY_BRIEF_SCHEDULE } from "../daily-brief/schedule";

/**
 * A scheduled sweep: the function id and its cron. Like `defineJob`, the contract lives here and
 * `inngest/` only wires it to a function.
 */
export interface CronDefinition {
  /** The Inngest function id (the app id is prefixed by the SDK). */
  id: string;
  /** Standard 5-field cron, UTC. */
  schedule: string;
  description: string;
}

export const taskRemindersCron: CronDefinition = {
  id: "task-reminders",
  schedule: "*/5 * * * *",
  description: "Request a reminder for every open task due within its owner's lead time",
};

export const dailyBriefCron: CronDefinition = {
  id: "daily-brief",
  schedule: DAILY_BRIEF_SCHEDULE.cron,
  description: "Request each user's daily brief for the exact instant of their local brief time",
};

export const reconcileMessagesCron: CronDefinition = {
  id: "reconcile-messages",
  schedule: "*/10 * * * *",
  description: "Settle unknown sends, fetch stuck statuses, fetch missing prices",
};

export const recoverStrandedCron: CronDefinition = {
  id: "recover-stranded",
  schedule: "* * * * *",
  description: "Start again the send run of a text whose run was lost (pending or held past its time)",
};

export const refreshDashboardStatsCron: CronDefinition = {
  id: "refresh-dashboard-stats",
  schedule: "*/10 * * * *",
  description: "Rebuild the admin dashboard's daily stats for the last closed days (late callbacks move them)",
};

/** Rows per page of a sweep (one step each): reminders and briefs match one request batch. */
export const SWEEP_PAGE_SIZE = 1_000;
/** Reconciliation pages are smaller: each row costs a Twilio call. */
export const RECONCILE_PAGE_SIZE = 100;
