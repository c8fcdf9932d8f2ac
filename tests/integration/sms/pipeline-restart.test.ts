import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages } from "@/db/schema";
import { createDispatchMessageFunction } from "@/inngest/functions/dispatch-message";
import { createSendSmsFunction } from "@/inngest/functions/send-sms";
import { type TwilioSandbox } from "@/local/twilio-sandbox";
import { systemContext } from "@/server/service-context";
import type { SmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { requestSms } from "@/server/sms/request";
import { freePort, launchExecutor, type ChildExecutor } from "../executor/child-executor";
import { executorStorages, serveApp, testClient, waitFor } from "../executor/harness";
import { clientJobs } from "../../helpers/jobs";
import { createSmsUser, seedTemplates } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { startSandboxLoop } from "../../helpers/sandbox-loop";

const HOUR = 3_600_000;

/**
 * The executor runs as a child process and is SIGKILLed while a text sleeps until its send
 * time, then restarted on the same storage: the text still goes out at its time, exactly once.
 */
describe.each(testDatabases())("the send pipeline survives an executor restart during a sleep ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let port = 0;
  let appUrl = "";
  let storageEnv: Record<string, string> = {};
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
    const loop = await startSandboxLoop(handle.db);
    sandbox = loop.sandbox;
    const provider = loop.provider;
    port = await freePort();
    const client = testClient("pipeline-restart", `http://127.0.0.1:${port}`);
    const deps = (): SmsPipelineDeps => ({
      db: handle.db,
      jobs: clientJobs(client),
      sender: { provider, statusCallbackUrl: loop.statusCallbackUrl, maxPerSecond: 50 },
    });
    const app = await serveApp(client, [
      createSendSmsFunction(client, deps),
      createDispatchMessageFunction(client, deps, { maxPerSecond: 50 }),
    ]);
    appUrl = app.url;
    // The executor keeps its state in the same kind of store as the app's.
    const storage = executorStorages().find((candidate) => candidate.name === database.name) ?? executorStorages()[0]!;
    const prepared = await storage.prepare();
    storageEnv = prepared.env;
    closers.push(app.close, loop.close, () => handle.drop(), prepared.cleanup);
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  // send-sms, dispatch-message and dispatch-message's onFailure
  const launch = () =>
    launchExecutor({ port, appUrl, storageEnv, expectedFunctions: 3, startTimeoutMs: 120_000 });

  async function sleepingRun(executor: ChildExecutor, messageId: string) {
    const { runs } = (await (await fetch(`${executor.url}/v0/runs?limit=100`)).json()) as { runs: { id: string; event: unknown }[] };
    const run = runs.find((r) => JSON.stringify(r.event).includes(messageId));
    if (!run) return undefined;
    const detail = (await (await fetch(`${executor.url}/v0/runs/${run.id}`)).json()) as {
      run: { steps: { status: string; detail: { wake_at?: string } }[] };
    };
    return detail.run.steps.find((s) => s.status === "sleeping");
  }

  it("resumes the sleep after SIGKILL and sends the text at its time, once", async () => {
    const phone = "+15555557001";
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    let executor = await launch();
    const ctx = systemContext(handle.db, clientJobs(testClient("pipeline-restart-requests", executor.url)), "test");
    const { messageId } = await requestSms(ctx, {
      userId: user.id,
      templateKey: "task_reminder",
      variables: { task_name: "Pour the slab", due_time: "at 9", task_context: "Site B" },
      scheduledFor: new Date(Date.now() + HOUR),
    });
    const before = await waitFor(() => sleepingRun(executor, messageId), "send-sms asleep", 60_000);

    await executor.kill();
    executor = await launch();
    const after = await waitFor(() => sleepingRun(executor, messageId), "send-sms still asleep after the restart", 60_000);
    expect(after.detail.wake_at).toBe(before.detail.wake_at);
    expect(sandbox.snapshot().messages).toHaveLength(0);

    const advanced = await fetch(`${executor.url}/v0/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms: HOUR + 1_000 }),
    });
    expect(advanced.status).toBe(200);
    await waitFor(async () => {
      const [m] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, messageId));
      return m?.status === "delivered";
    }, "delivered after the restart", 60_000);
    await executor.kill();
    expect(sandbox.snapshot().messages.filter((m) => m.to === phone)).toHaveLength(1);
  }, 420_000);
});
