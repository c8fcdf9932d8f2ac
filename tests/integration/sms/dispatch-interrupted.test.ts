import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { createDispatchMessageFunction } from "@/inngest/functions/dispatch-message";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { INTERRUPTED_SEND_REASON } from "@/server/sms/dispatch";
import type { SmsProvider } from "@/server/sms/provider";
import { handleStatusWebhook } from "@/server/webhooks/twilio-handlers";
import { freePort, launchExecutor, type ChildExecutor } from "../executor/child-executor";
import { deferred, executorStorages, serveApp, TEST_KEYS, testClient, waitFor } from "../executor/harness";
import { createMessage } from "../../helpers/factories";
import { createVerifiedUser, sandboxProvider } from "../../helpers/sms";
import { clientJobs, recordingJobs } from "../../helpers/jobs";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { testDatabases } from "../../helpers/test-db";
import { serveFetchHandler } from "../../helpers/webhook-server";

/**
 * The executor is SIGKILLed while the dispatch step is mid-call: Twilio (the sandbox) has accepted
 * the text, the step has not answered. The restarted executor calls the step again for the same
 * run, which must recognise its own claim: the message becomes `unknown` (for reconciliation), the
 * run's output says so, and the text is never sent a second time.
 */
describe.each(testDatabases())("the dispatch function when its executor dies mid-send ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let executor: ChildExecutor | undefined;
  const closers: (() => Promise<void>)[] = [];
  const firstTryAccepted = deferred();
  const firstTryAnswers = deferred();
  const callbacksHeld = deferred();
  let sends = 0;
  let launch: () => Promise<ChildExecutor>;
  let executorUrl = "";

  beforeAll(async () => {
    handle = await database.open();
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 20 });
    await sandbox.start();
    const real = sandboxProvider(sandbox.url);
    // The first try reaches Twilio and then hangs, as if its process stalled; the test decides when it answers.
    const provider: Pick<SmsProvider, "send"> = {
      async send(message) {
        sends += 1;
        const sent = await real.send(message);
        if (sends === 1) {
          firstTryAccepted.resolve();
          await firstTryAnswers.promise;
        }
        return sent;
      },
    };
    // Twilio's callbacks wait at our door until the resumed run has decided, so they cannot settle it first.
    const webhooks = await serveFetchHandler(async (req) => {
      await callbacksHeld.promise;
      return handleStatusWebhook(
        {
          db: handle.db,
          jobs: recordingJobs(),
          provider: real,
          check: { publicUrl: webhooks.url, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider: real },
          program: { name: "BuildOS SMS", supportUrl: "https://example.test/help" },
        },
        req,
      );
    });

    const port = await freePort();
    executorUrl = `http://127.0.0.1:${port}`;
    const client = testClient("buildos-sms-test", executorUrl);
    const fn = createDispatchMessageFunction(
      client,
      () => ({ db: handle.db, jobs: clientJobs(client), sender: { provider, statusCallbackUrl: `${webhooks.url}/api/webhooks/twilio/status`, maxPerSecond: 100 } }),
      { maxPerSecond: 100 },
    );
    const app = await serveApp(client, [fn]);
    const storage = executorStorages().find((candidate) => candidate.name === database.name) ?? executorStorages()[0]!;
    const prepared = await storage.prepare();
    launch = () => launchExecutor({ port, appUrl: app.url, storageEnv: prepared.env, expectedFunctions: 2 });
    closers.push(
      async () => {
        firstTryAnswers.resolve();
        callbacksHeld.resolve();
        await executor?.kill();
      },
      app.close,
      webhooks.close,
      prepared.cleanup,
      () => sandbox.stop(),
      () => handle.drop(),
    );
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  async function runsOfDispatch(): Promise<{ id: string; status: string; output: unknown }[]> {
    const response = await fetch(`${executorUrl}/v0/runs?function_id=buildos-sms-test-dispatch-message`);
    return ((await response.json()) as { runs: { id: string; status: string; output: unknown }[] }).runs;
  }

  it("marks the message unknown, never sends it again, and the run says what happened", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550171");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550171" });
    executor = await launch();
    const post = await fetch(`${executor.url}/e/${TEST_KEYS.eventKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(dispatchMessageJob.event({ messageId: id })),
    });
    expect(post.status).toBe(200);
    await firstTryAccepted.promise;
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550171")).toHaveLength(1);

    await executor.kill();
    executor = await launch(); // takes back the lost call and makes it again for the same run

    const [run] = await waitFor(async () => {
      const runs = await runsOfDispatch();
      return runs.length === 1 && runs[0]?.status === "completed" ? runs : undefined;
    }, "the resumed run completed");
    expect(run?.output).toEqual({ result: "unknown", reason: INTERRUPTED_SEND_REASON });
    const [message] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id));
    expect(message).toMatchObject({ status: "unknown", errorMessage: INTERRUPTED_SEND_REASON, attemptCount: 1 });
    const events = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id));
    // The claim's own event, then the verdict on the interrupted send.
    expect(events.map((e) => `${e.source}:${e.status}`)).toEqual(["system:sending", "system:unknown"]);
    expect(sends).toBe(1);

    // The stalled first try finally answers (to nobody), and Twilio's callbacks come in: the
    // message settles as delivered, still one text at Twilio.
    firstTryAnswers.resolve();
    callbacksHeld.resolve();
    const settled = await waitFor(async () => {
      const [row] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id));
      return row?.status === "delivered" ? row : undefined;
    }, "Twilio's callbacks settle the message");
    expect(settled.twilioSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sends).toBe(1);
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550171")).toHaveLength(1);
  }, 240_000); // two executor start-ups (child processes)
});
