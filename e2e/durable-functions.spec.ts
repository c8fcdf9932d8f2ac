import { expect, test } from "@playwright/test";
import { E2E_EXECUTOR_PORT } from "../playwright.config";

const executor = `http://127.0.0.1:${E2E_EXECUTOR_PORT}`;

test("the local executor has synced the running app's functions from /api/inngest", async ({ request }) => {
  await expect
    .poll(async () => {
      const response = await request.get(`${executor}/v0/functions`);
      const body = (await response.json()) as { apps: { id: string; url: string }[]; functions: { id: string }[] };
      return { apps: body.apps.map((a) => a.id), functions: body.functions.map((f) => f.id) };
    })
    .toEqual({ apps: ["buildos-sms"], functions: expect.arrayContaining(["buildos-sms-dispatch-message"]) });

  const health = await request.get("/api/health");
  expect(await health.json()).toMatchObject({ durableExecution: { mode: "local-executor" }, sms: { provider: "sandbox" } });
});

test("the crons are synced with their schedules and nothing the executor cannot honour", async ({ request }) => {
  type FunctionView = { id: string; triggers: { cron?: string }[]; unsupported: unknown[] };
  const crons = async () => {
    const body = (await (await request.get(`${executor}/v0/functions`)).json()) as { functions: FunctionView[] };
    return body.functions
      .filter((f) => f.triggers.some((t) => t.cron))
      .map((f) => ({ id: f.id, crons: f.triggers.map((t) => t.cron), unsupported: f.unsupported }))
      .sort((a, b) => a.id.localeCompare(b.id));
  };
  await expect
    .poll(crons)
    .toEqual([
      { id: "buildos-sms-daily-brief", crons: ["*/5 * * * *"], unsupported: [] },
      { id: "buildos-sms-reconcile-messages", crons: ["*/10 * * * *"], unsupported: [] },
      { id: "buildos-sms-recover-stranded", crons: ["* * * * *"], unsupported: [] },
      { id: "buildos-sms-refresh-dashboard-stats", crons: ["*/10 * * * *"], unsupported: [] },
      { id: "buildos-sms-task-reminders", crons: ["*/5 * * * *"], unsupported: [] },
    ]);
});
