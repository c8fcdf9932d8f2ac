import type { Inngest } from "inngest";
import { tickTime } from "@/server/crons/tick";
import { RECONCILE_PAGE_SIZE, reconcileMessagesCron } from "@/server/jobs/crons";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import type { ReconcileDeps, TimeCursor } from "@/server/sms/reconcile/deps";
import { reconcileInFlightPage } from "@/server/sms/reconcile/in-flight";
import { fetchMissingPricesPage } from "@/server/sms/reconcile/prices";
import { reconcileUnknownPage } from "@/server/sms/reconcile/unknown";
import { addCounts, sweepInSteps, type Counts } from "./sweep-steps";

/**
 * Every 10 minutes: unknown sends, stuck statuses, missing prices, each swept page by page (one
 * step per page, so a retry redoes one page and memory stays flat). Thin: the rules live in
 * server/sms/reconcile/. A re-queued message's dispatch is its own memoized step, so a retry
 * of a later step never re-queues or re-dispatches it.
 */
export function createReconcileMessagesFunction(client: Inngest, deps: () => ReconcileDeps) {
  return client.createFunction(
    {
      id: reconcileMessagesCron.id,
      triggers: [{ cron: reconcileMessagesCron.schedule }],
      // A slow sweep and the next tick never work side by side (the next one waits).
      concurrency: 1,
    },
    async ({ event, step }) => {
      const now = new Date(await step.run("tick", () => tickTime(event.ts).toISOString()));
      const totals: Record<"unknown" | "inFlight" | "prices", Counts> = { unknown: {}, inFlight: {}, prices: {} };

      await sweepInSteps(
        (after: TimeCursor | null) => step.run("unknown", () => reconcileUnknownPage(deps(), { now, after, limit: RECONCILE_PAGE_SIZE })),
        async (page) => {
          addCounts(totals.unknown, page.counts);
          if (page.requeued.length === 0) return;
          await step.sendEvent(
            "requeue",
            page.requeued.map(({ messageId, priority }) => dispatchMessageJob.event({ messageId, priority }, { id: `requeue:${messageId}` })),
          );
        },
      );
      await sweepInSteps(
        (after: TimeCursor | null) => step.run("in-flight", () => reconcileInFlightPage(deps(), { now, after, limit: RECONCILE_PAGE_SIZE })),
        (page) => addCounts(totals.inFlight, page.counts),
      );
      await sweepInSteps(
        (after: TimeCursor | null) => step.run("prices", () => fetchMissingPricesPage(deps(), { now, after, limit: RECONCILE_PAGE_SIZE })),
        (page) => addCounts(totals.prices, page.counts),
      );
      return totals;
    },
  );
}
