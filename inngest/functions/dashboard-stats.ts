import type { Inngest } from "inngest";
import type { DbOrTx } from "@/db/client";
import { tickTime } from "@/server/crons/tick";
import { refreshDailyStats } from "@/server/dashboard/rollup";
import { refreshDashboardStatsCron } from "@/server/jobs/crons";

/**
 * Every 10 minutes: the dashboard's daily stats for the last closed days, rebuilt in one
 * transaction (server/dashboard/rollup.ts). One step; a retry rebuilds the same days again.
 */
export function createRefreshDashboardStatsFunction(client: Inngest, deps: () => { db: DbOrTx }) {
  return client.createFunction(
    { id: refreshDashboardStatsCron.id, triggers: [{ cron: refreshDashboardStatsCron.schedule }], concurrency: 1 },
    async ({ event, step }) => step.run("rebuild", () => refreshDailyStats(deps().db, tickTime(event.ts))),
  );
}
