import { eq } from "drizzle-orm";
import type { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { createDispatchMessageFunction } from "@/inngest/functions/dispatch-message";
import { createReconcileMessagesFunction } from "@/inngest/functions/reconcile-messages";
import type { Executor } from "@/local/inngest-executor";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { reconcileMessagesCron } from "@/server/jobs/crons";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { logger } from "@/server/logger";
import type { SmsProvider } from "@/server/sms/provider";
import { handleStatusWebhook } from "@/server/webhooks/twilio-handlers";
import { executorStorages, serveApp, startTestExecutor, testClient, waitFor, waitForEndedRuns } from "../executor/harness";
import { nextPhone } from "../../helpers/crons";
import { createMessage } from "../../helpers/factories";
import { clientJobs, recordingJobs } from "../../helpers/jobs";
import { createSmsUser, sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { serveFetchHandler } from "../../helpers/webhook-server";

const MINUTE = 60_000;
const APP_ID = "buildos-sms-crons-test";

/**
 * Reconciliation end to end: the app's reconcile and dispatch functions served by the real
 * Inngest SDK, run by the local executor (its test clock fires the cron), talking to the Twilio
 * sandbox through the official SDK, with signed callbacks coming back to our webhook handler,
 * except those a test drops to play a lost callback.
 */
describe.each(testDatabases())("reconciliation on the executor ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let executor: Executor;
  let client: Inngest;
  const closers: (() => Promise<void>)[] = [];
  /** Callbacks for these numbers are lost (the webhook answers 503 until the sandbox gives up). */
  const lostCallbacks = new Map<string, (status: string) => boolean>();
  /** Twilio fetches per SID, counted around the real provider. */
  const fetches = new Map<string, number>();

  beforeAll(async () => {
    handle = await database.open();
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 20, log: () => {} });
    await sandbox.start();
    const real = sandboxProvider(sandbox.url);
    const provider: SmsProvider = {
      ...real,
      fetch: (sid) => {
        fetches.set(sid, (fetches.get(sid) ?? 0) + 1);
        return real.fetch(sid);
      },
    };
    const webhooks = await serveFetchHandler(async (req) => {
      const form = new URLSearchParams(await req.clone().text());
      const lose = lostCallbacks.get(form.get("To") ?? "");
      if (lose?.(form.get("MessageStatus") ?? "")) return new Response("lost", { status: 503 });
      return handleStatusWebhook(
        {
          db: handle.db,
          jobs: recordingJobs(),
          provider,
          check: { publicUrl: webhooks.url, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider },
          program: { name: "BuildOS SMS", supportUrl: "https://example.test/help" },
        },
        req,
      );
    });
    const storage = executorStorages().find((candidate) => candidate.name === database.name);
    const started = await startTestExecutor({ retryBackoffMs: () => 50, storage });
    executor = started.executor;
    client = testClient(APP_ID, executor.url);
    const jobs = clientJobs(client);
    const sender = { provider, statusCallbackUrl: `${webhooks.url}/api/webhooks/twilio/status`, maxPerSecond: 100 };
    const app = await serveApp(client, [
      createDispatchMessageFunction(client, () => ({ db: handle.db, jobs, sender }), { maxPerSecond: 100 }),
      createReconcileMessagesFunction(client, () => ({ db: handle.db, actor: { type: "system", reason: "test" }, jobs, provider, log: logger })),
    ]);
    await executor.sync(app.url);
    closers.push(app.close, started.close, webhooks.close, () => sandbox.stop(), () => handle.drop());
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  const messageOf = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const eventsOf = (id: string) =>
    handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id)).orderBy(smsMessageEvents.id);
  const atTwilio = (to: string) => sandbox.snapshot().messages.filter((m: { to: string }) => m.to === to);
  const reconcileFn = `${APP_ID}-${reconcileMessagesCron.id}`;

  /** Moves the engine's clock on; the reconcile cron fires once; returns that run's totals. */
  async function reconcileTick(advanceMs: number) {
    const before = (await executor.listRuns({ functionId: reconcileFn })).length;
    await executor.advanceClock(advanceMs);
    const runs = await waitForEndedRuns(executor, reconcileFn, before + 1);
    const run = runs.at(-1)!;
    expect(run.status).toBe("completed");
    return run.output as { unknown: Record<string, number>; inFlight: Record<string, number>; prices: Record<string, number> };
  }

  /** A user who verified `to` (quiet hours off), as dispatch checks again at the claim. */
  const userOf = (to: string) => createSmsUser(handle.db, to, { quietHoursEnabled: false });

  /** A verified user and a queued text to them, handed to dispatch through the engine. */
  async function dispatchNew(to: string) {
    const user = await userOf(to);
    const message = await createMessage(handle.db, user.id, { status: "queued", to, body: `Reconcile me ${to}` });
    await client.send(dispatchMessageJob.event({ messageId: message.id }));
    return message.id;
  }

  it("accept-then-drop: the send answer is lost, the text is unknown, reconciliation finds it delivered at Twilio", async () => {
    const to = nextPhone();
    lostCallbacks.set(to, () => true);
    sandbox.setFaults({ dropConnections: 1 });
    const id = await dispatchNew(to);
    await waitFor(async () => (await messageOf(id)).status === "unknown", "marked unknown");
    await waitFor(() => atTwilio(to)[0]?.status === "delivered", "delivered at Twilio");

    const totals = await reconcileTick(11 * MINUTE);
    expect(totals.unknown.adopted).toBeGreaterThanOrEqual(1);
    const message = await messageOf(id);
    expect([message.status, message.twilioSid]).toEqual(["delivered", atTwilio(to)[0]!.sid]);
    expect((await eventsOf(id)).filter((e) => e.source === "reconcile").map((e) => e.status)).toEqual(["delivered"]);
    expect(atTwilio(to)).toHaveLength(1);
  });

  it("no Twilio record 15 minutes after the claim: re-queued once, then sent once", async () => {
    const to = nextPhone();
    const user = await userOf(to);
    // A claim whose request never reached Twilio (the sender died mid-call).
    const claimedAt = new Date();
    const { id } = await createMessage(handle.db, user.id, { status: "unknown", to, body: `Lost before Twilio ${to}`, updatedAt: claimedAt });
    await handle.db.insert(smsMessageEvents).values({ messageId: id, status: "sending", source: "system", createdAt: claimedAt });

    await reconcileTick(16 * MINUTE);
    await waitFor(async () => (await messageOf(id)).status === "delivered", "re-sent and delivered");
    expect(atTwilio(to)).toHaveLength(1);
    const requeues = (await eventsOf(id)).filter((e) => e.status === "requeued");
    expect(requeues.map((e) => e.source)).toEqual(["reconcile"]);

    await reconcileTick(16 * MINUTE); // a later tick changes nothing for it
    expect(atTwilio(to)).toHaveLength(1);
    expect((await eventsOf(id)).filter((e) => e.status === "requeued")).toHaveLength(1);
  });

  it("stuck sent: the delivered callback is lost; the text is fetched and applied through the monotonic path (source reconcile)", async () => {
    const to = nextPhone();
    lostCallbacks.set(to, (status) => status === "delivered");
    const id = await dispatchNew(to);
    await waitFor(async () => (await messageOf(id)).status === "sent", "sent");
    await waitFor(() => atTwilio(to)[0]?.status === "delivered", "delivered at Twilio");
    await sandbox.callbacksIdle();
    expect((await messageOf(id)).status).toBe("sent");

    await reconcileTick(31 * MINUTE);
    const message = await messageOf(id);
    expect(message.status).toBe("delivered");
    expect(message.deliveredAt).toBeInstanceOf(Date);
    const reconciled = (await eventsOf(id)).filter((e) => e.source === "reconcile");
    expect(reconciled.map((e) => [e.status, e.applied])).toEqual([["delivered", true]]);
  });

  it("a delivered text without a price gets it fetched once", async () => {
    const to = nextPhone();
    const id = await dispatchNew(to);
    await waitFor(async () => (await messageOf(id)).status === "delivered", "delivered");
    const sid = (await messageOf(id)).twilioSid!;
    expect((await messageOf(id)).price).toBeNull(); // callbacks carry no price

    await reconcileTick(11 * MINUTE);
    const priced = await messageOf(id);
    expect([priced.price, priced.priceUnit]).toEqual([atTwilio(to)[0]!.price, "USD"]);
    expect(Number(priced.price)).toBeLessThan(0);
    await reconcileTick(11 * MINUTE);
    expect(fetches.get(sid)).toBe(1);
  });
});
