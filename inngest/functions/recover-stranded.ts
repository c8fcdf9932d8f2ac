import type { Inngest } from "inngest";
import { tickTime } from "@/server/crons/tick";
import { recoverStrandedCron, SWEEP_PAGE_SIZE } from "@/server/jobs/crons";
import { sendSmsJob } from "@/server/jobs/definitions";
import type { ReconcileDeps } from "@/server/sms/reconcile/deps";
import { recoverStrandedPage } from "@/server/sms/reconcile/stranded";
import { addCounts, sweepInSteps, type Counts } from "./sweep-steps";

/** Pages per tick: a backlog larger than this many pages is taken over the next ticks. */
const MAX_PAGES = 10;

/**
 * Every minute: texts whose send run was lost get a new one (server/sms/reconcile/stranded.ts).
 * Thin: one step per page (each touches the rows it takes, so the next page finds the rest), and
 * the start events of a page in their own memoized step.
 */
export function createRecoverStrandedFunction(client: Inngest, deps: () => ReconcileDeps) {
  return client.createFunction(
    { id: recoverStrandedCron.id, triggers: [{ cron: recoverStrandedCron.schedule }], concurrency: 1 },
    async ({ event, step }) => {
      const now = new Date(await step.run("tick", () => tickTime(event.ts).toISOString()));
      const totals: Counts = {};
      // No keyset here: a page touches the rows it takes, so the next page finds the rest; the
      // cursor is the page's number, which names its steps.
      await sweepInSteps(
        async (after: number | null) => {
          const n = after ?? 0;
          const page = await step.run(`page-${n}`, () => recoverStrandedPage(deps(), { now, limit: SWEEP_PAGE_SIZE }));
          return { ...page, n, next: page.more && n + 1 < MAX_PAGES ? n + 1 : null };
        },
        async ({ n, counts, restart }) => {
          addCounts(totals, counts);
          if (restart.length === 0) return;
          await step.sendEvent(
            `restart-${n}`,
            restart.map(({ messageId, priority, eventId }) => sendSmsJob.event({ messageId, priority }, { id: eventId })),
          );
        },
      );
      return totals;
    },
  );
}
