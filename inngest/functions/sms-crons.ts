import type { Inngest } from "inngest";
import type { DbOrTx } from "@/db/client";
import { tickTime } from "@/server/crons/tick";
import { requestDueBriefs } from "@/server/daily-brief/request";
import type { JobSender } from "@/server/jobs/define";
import { dailyBriefCron, SWEEP_PAGE_SIZE, taskRemindersCron, type CronDefinition } from "@/server/jobs/crons";
import { requestDueReminders } from "@/server/reminders/request";
import { systemContext, type ServiceContext, type SystemActor } from "@/server/service-context";
import { addCounts, sweepInSteps, type Counts } from "./sweep-steps";

export interface CronDeps {
  db: DbOrTx;
  jobs: JobSender;
}

/** One page of a sweep that requests texts: where the next page starts (null when done) and what it did. */
interface SweepPage<Cursor> {
  next: Cursor | null;
  counts: Counts;
}

interface SweepCron<Cursor> {
  cron: CronDefinition;
  /** The id of each page's memoized step. */
  pageStep: string;
  requestPage: (ctx: ServiceContext<SystemActor>, page: { now: Date; after: Cursor | null; limit: number }) => Promise<SweepPage<Cursor>>;
}

/**
 * A cron that requests texts in a keyset sweep: the tick's time in one memoized step (so a retry
 * sees the same instant), then one step per page of up to 1,000 rows (one batch insert and one
 * event send each), totals as the run's output. Each page's dedupe keys make a repeated or late
 * tick a no-op. Only cursors (plain strings) and counts cross steps.
 */
function createSweepCronFunction<Cursor>(client: Inngest, deps: () => CronDeps, sweep: SweepCron<Cursor>) {
  return client.createFunction(
    { id: sweep.cron.id, triggers: [{ cron: sweep.cron.schedule }], concurrency: 1 },
    async ({ event, step }) => {
      const now = new Date(await step.run("tick", () => tickTime(event.ts).toISOString()));
      const ctx = () => systemContext(deps().db, deps().jobs, sweep.cron.id);
      const totals: Counts = {};
      await sweepInSteps(
        // A page is JSON already (string cursors, number counts), so the step's copy has its type.
        (after: Cursor | null) =>
          step.run(sweep.pageStep, () => sweep.requestPage(ctx(), { now, after, limit: SWEEP_PAGE_SIZE })) as Promise<SweepPage<Cursor>>,
        (page) => addCounts(totals, page.counts),
      );
      return { tick: now.toISOString(), ...totals };
    },
  );
}

/**
 * Every 5 minutes: a reminder for each open task due within its owner's lead time. Thin: the
 * rules live in server/reminders/.
 */
export function createTaskRemindersFunction(client: Inngest, deps: () => CronDeps) {
  return createSweepCronFunction(client, deps, { cron: taskRemindersCron, pageStep: "reminders", requestPage: requestDueReminders });
}

/**
 * Every 5 minutes: each brief whose local instant falls in the tick's window, requested with
 * `scheduledFor` = that instant (see server/daily-brief/schedule.ts). Thin: the rules live in
 * server/daily-brief/.
 */
export function createDailyBriefFunction(client: Inngest, deps: () => CronDeps) {
  return createSweepCronFunction(client, deps, { cron: dailyBriefCron, pageStep: "briefs", requestPage: requestDueBriefs });
}
