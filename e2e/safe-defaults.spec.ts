import { statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_EXECUTOR_PORT, E2E_SECRETS_FILE } from "../playwright.config";

const executor = `http://127.0.0.1:${E2E_EXECUTOR_PORT}`;
type FunctionsView = { apps: { id: string; url: string }[]; functions: { id: string; url: string }[] };

// The app as `npm start` runs it (scripts/dev.ts --prod): its /api/inngest verifies every request,
// even with the local executor, and the stand-ins run on this install's own generated secrets.

test("an unsigned call to /api/inngest runs nothing: 401", async ({ request }) => {
  const event = { id: "01E2E", name: "sms/message.queued", data: { messageId: "00000000-0000-4000-8000-000000000000" }, ts: Date.now() };
  const response = await request.post("/api/inngest?fnId=buildos-sms-dispatch-message&stepId=step", {
    data: { event, events: [event], steps: {}, ctx: { run_id: "01RUN", attempt: 0, stack: { stack: [], current: 0 } } },
  });
  expect(response.status()).toBe(401);
});

test("an unsigned PUT with a forged Host re-points nothing", async ({ request, baseURL }) => {
  const functions = async () => {
    const body = (await (await request.get(`${executor}/v0/functions`)).json()) as FunctionsView;
    return { apps: body.apps.map((a) => a.url), functions: body.functions.map((f) => f.url).sort() };
  };
  await expect.poll(async () => (await functions()).functions.length).toBeGreaterThan(0);
  const before = await functions();
  for (const url of before.functions) expect(url.startsWith(`${baseURL}/api/inngest?`)).toBe(true);

  const put = await request.put("/api/inngest", { headers: { "x-forwarded-host": "evil.test", host: "127.0.0.1:9999" } });
  expect(put.status()).toBe(401);
  expect(await functions()).toEqual(before);
});

test("the stand-ins' secrets were generated for this install, readable by its owner only", async ({ request }) => {
  expect(statSync(E2E_SECRETS_FILE).mode & 0o777).toBe(0o600);
  const health = await request.get("/api/health");
  expect(await health.json()).toMatchObject({ sms: { provider: "sandbox" }, durableExecution: { mode: "local-executor" } });
});
