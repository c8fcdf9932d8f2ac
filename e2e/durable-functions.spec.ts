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
