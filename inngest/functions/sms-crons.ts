import type { Inngest } from "inngest";
import type { DbOrTx } from "@/db/client";
import { tickTime } from "@/server/crons/tick";
import { requestDueBriefs } from "@/server/daily-brief/request";
import type { BriefCursor } from "@/server/daily-brief/sweep";
import type { JobSender } from "@/server/jobs/define";
import { dailyBriefCron, SWEEP_PAGE_SIZE, taskRemindersCron } from "@/server/jobs/crons";
import { requestDueReminders } from "@/server/reminders/request";
import type { ReminderCursor } from "@/server/reminders/sweep";
import { systemContext } from "@/server/service-context";
import { addCounts, sweepInSteps, type Counts } from "./sweep-steps";

export interface CronDeps {
  db: DbOrTx;
  jobs: JobSender;
}

/**
 * Every 5 minutes: a reminder for each open task due within its owner's lead time. One step per
 * page of up to 1,000 tasks (one batch insert and one event send each); the dedupe key (task +
 * due time) makes a repeated or late tick a no-op. Thin: the rules live in server/reminders/.
 */
export function createTaskRemindersFunction(client: Inngest, deps: () => CronDeps) {
  return client.createFunction(
    { id: taskRemindersCron.id, triggers: [{ cron: taskRemindersCron.schedule }], concurrency: 1 },
    async ({ event, step }) => {
      const now = new Date(await step.run("tick", () => tickTime(event.ts).toISOString()));
      const ctx = () => systemContext(deps().db, deps().jobs, taskRemindersCron.id);
      const totals: Counts = {};
      await sweepInSteps(
        (after: ReminderCursor | null) => step.run("reminders", () => requestDueReminders(ctx(), { now, after, limit: SWEEP_PAGE_SIZE })),
        (page) => addCounts(totals, page.counts),
      );
      return { tick: now.toISOString(), ...totals };
    },
  );
}

/**
 * Every 5 minutes: each brief whose local instant falls in the tick's window, requested with
 * `scheduledFor` = that instant (see server/daily-brief/schedule.ts). Thin: the rules live in
 * server/daily-brief/.
 */
export function createDailyBriefFunction(client: Inngest, deps: () => CronDeps) {
  return client.createFunction(
    { id: dailyBriefCron.id, triggers: [{ cron: dailyBriefCron.schedule }], concurrency: 1 },
    async ({ event, step }) => {
      const now = new Date(await step.run("tick", () => tickTime(event.ts).toISOString()));
      const ctx = () => systemContext(deps().db, deps().jobs, dailyBriefCron.id);
      const totals: Counts = {};
      await sweepInSteps(
        (after: BriefCursor | null) => step.run("briefs", () => requestDueBriefs(ctx(), { now, after, limit: SWEEP_PAGE_SIZE })),
        (page) => addCounts(totals, page.counts),
      );
      return { tick: now.toISOString(), ...totals };
    },
  );
}
