import { eq } from "drizzle-orm";
import type { Inngest } from "inngest";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages } from "@/db/schema";
import { createDispatchMessageFunction } from "@/inngest/functions/dispatch-message";
import { createSendSmsFunction } from "@/inngest/functions/send-sms";
import { createDailyBriefFunction, createTaskRemindersFunction } from "@/inngest/functions/sms-crons";
import { createClock, type Executor } from "@/local/inngest-executor";
import { type TwilioSandbox } from "@/local/twilio-sandbox";
import { dailyBriefCron, taskRemindersCron } from "@/server/jobs/crons";
import type { SmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { executorStorages, serveApp, startTestExecutor, testClient, waitFor, waitForEndedRuns } from "../executor/harness";
import { addTask, seedTemplates, userWith } from "../../helpers/crons";
import { clientJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";
import { startSandboxLoop } from "../../helpers/sandbox-loop";

const MINUTE = 60_000;
const APP_ID = "buildos-sms-crons-e2e";

/**
 * The reminder and daily-brief crons with the whole pipeline behind them: the executor's test
 * clock fires the crons, the crons request texts through the request service, send-sms holds
 * each until its time, dispatch sends through the official SDK to the sandbox.
 */
describe.each(testDatabases())("crons through the pipeline on the executor ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let executor: Executor;
  let client: Inngest;
  const clock = createClock();
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
    const loop = await startSandboxLoop(handle.db, { quiet: true });
    sandbox = loop.sandbox;
    const provider = loop.provider;
    const storage = executorStorages().find((candidate) => candidate.name === database.name);
    const started = await startTestExecutor({ clock, retryBackoffMs: () => 50, storage });
    executor = started.executor;
    client = testClient(APP_ID, executor.url);
    const jobs = clientJobs(client);
    const deps = (): SmsPipelineDeps => ({
      db: handle.db,
      jobs,
      sender: { provider, statusCallbackUrl: loop.statusCallbackUrl, maxPerSecond: 50 },
      now: () => new Date(clock.now()),
    });
    const app = await serveApp(client, [
      createSendSmsFunction(client, deps),
      createDispatchMessageFunction(client, deps, { maxPerSecond: 50 }),
      createTaskRemindersFunction(client, deps),
      createDailyBriefFunction(client, deps),
    ]);
    await executor.sync(app.url);
    closers.push(app.close, started.close, loop.close, () => handle.drop());
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  const messagesOf = (userId: string) => handle.db.select().from(smsMessages).where(eq(smsMessages.userId, userId));
  const atTwilio = (to: string) => sandbox.snapshot().messages.filter((m: { to: string }) => m.to === to);

  /** Moves the engine's clock to `at` and waits for the cron's run at that tick to end. */
  async function tickAt(functionId: string, at: number) {
    const before = (await executor.listRuns({ functionId })).length;
    await executor.advanceClock(Math.max(0, at - clock.now()));
    const runs = await waitForEndedRuns(executor, functionId, before + 1);
    expect(runs.at(-1)!.status).toBe("completed");
    return runs.at(-1)!.output as Record<string, number | string>;
  }

  it("each user's brief is held until their own local minute, in zones offset by :30, :45 and :45 + 12 h, and sent once", async () => {
    // The brief instant: a whole minute 40 minutes on from the engine's clock.
    const briefAt = Math.ceil((clock.now() + 40 * MINUTE) / MINUTE) * MINUTE;
    const zones = ["America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham"];
    const users = await Promise.all(
      zones.map((timeZone) =>
        userWith(handle.db, {
          timeZone,
          dailyBrief: true,
          dailyBriefTime: DateTime.fromMillis(briefAt, { zone: timeZone }).toFormat("HH:mm"),
          quietHoursEnabled: false,
        }),
      ),
    );
    const briefFn = `${APP_ID}-${dailyBriefCron.id}`;

    const first = await tickAt(briefFn, briefAt - 12 * MINUTE);
    expect(first).toMatchObject({ created: 4 });
    for (const user of users) {
      const [brief] = await messagesOf(user.id);
      await waitFor(async () => (await messagesOf(user.id))[0]?.status === "scheduled", "held until the brief minute");
      expect(brief?.scheduledFor?.getTime()).toBe(briefAt);
    }
    expect(users.flatMap((u) => atTwilio(u.phone!))).toEqual([]);

    expect(await tickAt(briefFn, briefAt - 6 * MINUTE)).toMatchObject({ created: 0 }); // the next tick: nothing new
    await executor.advanceClock(briefAt + MINUTE - clock.now());
    for (const user of users) {
      await waitFor(async () => (await messagesOf(user.id))[0]?.status === "delivered", `brief delivered in ${user.id}`);
      expect(atTwilio(user.phone!)).toHaveLength(1);
    }
  });

  it("a task due within the lead time gets one reminder, sent at once, saying when it is due on the owner's clock", async () => {
    const dueAt = Math.ceil((clock.now() + 40 * MINUTE) / MINUTE) * MINUTE;
    const user = await userWith(handle.db, { timeZone: "Asia/Kolkata", reminderLeadMinutes: 60, quietHoursEnabled: false });
    await addTask(handle.db, user.id, { title: "Pour the slab", project: "Site B", dueAt: new Date(dueAt) });
    const reminders = `${APP_ID}-${taskRemindersCron.id}`;

    expect(await tickAt(reminders, clock.now() + 6 * MINUTE)).toMatchObject({ created: 1 });
    await waitFor(() => atTwilio(user.phone!)[0]?.status === "delivered", "reminder delivered");
    const local = DateTime.fromMillis(dueAt, { zone: "Asia/Kolkata" }).setLocale("en-US").toFormat("h:mm a");
    expect(atTwilio(user.phone!).map((m: { body: string }) => m.body)).toEqual([expect.stringContaining(`Pour the slab is due `)]);
    expect(atTwilio(user.phone!)[0]!.body).toContain(`at ${local}. Project: Site B.`);

    expect(await tickAt(reminders, clock.now() + 6 * MINUTE)).toMatchObject({ created: 0 });
    expect(atTwilio(user.phone!)).toHaveLength(1);
  });
});
