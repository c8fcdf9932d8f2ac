import { eq, sql } from "drizzle-orm";
import type { Inngest } from "inngest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executeRows, type DbHandle } from "@/db/client";
import { smsMessages, smsSendPacer } from "@/db/schema";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { createDispatchMessageFunction, DISPATCH_RETRIES } from "@/inngest/functions/dispatch-message";
import type { Executor } from "@/local/inngest-executor";
import { type TwilioSandbox } from "@/local/twilio-sandbox";
import { executorStorages, serveApp, startTestExecutor, testClient, waitFor } from "../executor/harness";
import { createMessage } from "../../helpers/factories";
import { clientJobs } from "../../helpers/jobs";
import { createVerifiedUser } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { startSandboxLoop } from "../../helpers/sandbox-loop";

/**
 * The app's own dispatch function, served by the real Inngest SDK and run by the local
 * executor, sending through the official Twilio SDK to the sandbox, with signed callbacks
 * coming back to our webhook handler: the whole durable send path with real parts.
 */
describe.each(testDatabases())("the dispatch function on the executor ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let executor: Executor;
  let client: Inngest;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    handle = await database.open();
    const loop = await startSandboxLoop(handle.db);
    sandbox = loop.sandbox;
    const provider = loop.provider;
    // Retries come quickly here; Retry-After from Twilio still sets its own delay.
    const storage = executorStorages().find((candidate) => candidate.name === database.name);
    const started = await startTestExecutor({ retryBackoffMs: () => 50, storage });
    executor = started.executor;
    client = testClient("buildos-sms-test", executor.url);
    const fn = createDispatchMessageFunction(
      client,
      () => ({ db: handle.db, jobs: clientJobs(client), sender: { provider, statusCallbackUrl: loop.statusCallbackUrl, maxPerSecond: 100 } }),
      { maxPerSecond: 100 },
    );
    const app = await serveApp(client, [fn]);
    await executor.sync(app.url);
    closers.push(app.close, started.close, loop.close, () => handle.drop());
  });
  beforeEach(async () => {
    sandbox.reset();
    await handle.db.delete(smsSendPacer);
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  const statusOf = async (id: string) =>
    (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;

  it("retries through Twilio's 429 (honouring Retry-After) and sends exactly once", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550161");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550161" });
    sandbox.setFaults({ rateLimits: 2, retryAfterSeconds: 1 });
    const sentAt = Date.now();
    await client.send(dispatchMessageJob.event({ messageId: id }));
    const delivered = await waitFor(async () => {
      const m = await statusOf(id);
      return m.status === "delivered" ? m : undefined;
    }, "message delivered");
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2_000); // two Retry-After: 1 waits
    expect(delivered.attemptCount).toBe(3);
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550161")).toHaveLength(1);
  });

  it("marks the message failed once 5xx outlasts every retry", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550162");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550162" });
    sandbox.setFaults({ serverErrors: 1_000 });
    await client.send(dispatchMessageJob.event({ messageId: id }));
    // The retries span about an hour (server/sms/retry-schedule.ts): move the engine's clock
    // past each wait as soon as the next attempt is pending.
    const failed = await waitFor(async () => {
      const m = await statusOf(id);
      if (m.status === "failed") return m;
      await executor.advanceClock(15 * 60_000);
      return undefined;
    }, "message failed after retries");
    expect(failed.attemptCount).toBe(DISPATCH_RETRIES + 1);
    expect(failed.failReason).toMatch(/^not accepted by Twilio after retries/);
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550162")).toHaveLength(0);
  });

  it("does nothing for a message another worker already sent (duplicate event)", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550163");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550163" });
    await client.send([
      dispatchMessageJob.event({ messageId: id }),
      dispatchMessageJob.event({ messageId: id }),
    ]);
    await waitFor(async () => (await statusOf(id)).status === "delivered", "message delivered");
    await waitFor(async () => {
      const runs = await executor.listRuns({ functionId: "buildos-sms-test-dispatch-message", limit: 50 });
      const mine = runs.filter((r) => JSON.stringify(r).includes(id));
      return mine.length === 2 && mine.every((r) => r.status === "completed") ? mine : undefined;
    }, "both runs completed");
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550163")).toHaveLength(1);
  });

  it("waits out a full send pacer with a durable sleep, without spending a retry, then sends once", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550164");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550164" });
    // Another sender (say a second deployment) has booked the next hour of slots.
    await executeRows(handle.db, sql`insert into sms_send_pacer (id, next_at) values ('twilio', clock_timestamp() + interval '1 hour')`);
    await client.send(dispatchMessageJob.event({ messageId: id }));
    const run = await waitFor(async () => {
      const runs = await executor.listRuns({ functionId: "buildos-sms-test-dispatch-message", limit: 50 });
      const mine = runs.find((r) => JSON.stringify(r.event).includes(id));
      const detail = mine && (await executor.getRun(mine.id));
      return detail?.steps.some((step) => step.name === "wait-for-send-slot-0") ? detail : undefined;
    }, "the run to sleep for a send slot");
    expect(run.status).toBe("running");
    expect(await statusOf(id)).toMatchObject({ status: "queued", attemptCount: 0 });
    expect(sandbox.state.messages.size).toBe(0);

    await executeRows(handle.db, sql`update sms_send_pacer set next_at = clock_timestamp()`);
    await executor.advanceClock(60 * 60_000);
    const delivered = await waitFor(async () => {
      const m = await statusOf(id);
      return m.status === "delivered" ? m : undefined;
    }, "message delivered");
    expect(delivered.attemptCount).toBe(1);
    expect([...sandbox.state.messages.values()].filter((m) => m.to === "+15555550164")).toHaveLength(1);
  });
});
