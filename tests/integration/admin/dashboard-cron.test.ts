import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, type DbHandle } from "@/db/client";
import { createRefreshDashboardStatsFunction } from "@/inngest/functions/dashboard-stats";
import { refreshDashboardStatsCron } from "@/server/jobs/crons";
import { createMessage, createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";

const client = new Inngest({ id: "dashboard-cron-under-test", isDev: true });

/** The stats cron in @inngest/test over a real database: one step that rolls closed days up. */
describe.each(testDatabases())("refresh-dashboard-stats on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  it("runs every 10 minutes and rebuilds the closed days up to the tick's day", async () => {
    expect(refreshDashboardStatsCron.schedule).toBe("*/10 * * * *");
    const user = await createUser(handle.db);
    await createMessage(handle.db, user.id, { status: "delivered", createdAt: new Date("2031-05-01T10:00:00Z") });
    await createMessage(handle.db, user.id, { status: "failed", createdAt: new Date("2031-05-02T10:00:00Z") });
    await createMessage(handle.db, user.id, { status: "queued", createdAt: new Date("2031-05-03T10:00:00Z") }); // today: stays live

    const tick = Date.parse("2031-05-03T12:00:00Z");
    const t = new InngestTestEngine({ function: createRefreshDashboardStatsFunction(client, () => ({ db: handle.db })) });
    const { result, ctx } = await t.execute({ events: [{ name: "inngest/scheduled.timer", data: { cron: refreshDashboardStatsCron.schedule }, ts: tick }] });
    expect((ctx as InngestTestEngine.MockContext).step.run.mock.calls.map((call) => call[0])).toEqual(["rebuild"]);
    expect(result).toEqual({ days: 2 });
    const rows = await executeRows<{ day: string; status: string; messages: number }>(
      handle.db,
      sql`select day::text as day, status::text as status, messages from sms_stats_daily order by day`,
    );
    expect(rows.map((r) => [r.day, r.status, Number(r.messages)])).toEqual([
      ["2031-05-01", "delivered", 1],
      ["2031-05-02", "failed", 1],
    ]);
  });
});
