import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { createReconcileMessagesFunction } from "@/inngest/functions/reconcile-messages";
import { createRecoverStrandedFunction } from "@/inngest/functions/recover-stranded";
import { createDailyBriefFunction, createTaskRemindersFunction } from "@/inngest/functions/sms-crons";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { dailyBriefCron, reconcileMessagesCron, recoverStrandedCron, taskRemindersCron } from "@/server/jobs/crons";
import { dispatchMessageJob, sendSmsJob } from "@/server/jobs/definitions";
import { logger } from "@/server/logger";
import type { ReconcileDeps } from "@/server/sms/reconcile/deps";
import { addTask, seedTemplates, userWith } from "../../helpers/crons";
import { createMessage } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";

const MINUTE = 60_000;
const client = new Inngest({ id: "crons-under-test", isDev: true });
const timer = (cron: string, ts: number) => ({ name: "inngest/scheduled.timer", data: { cron }, ts });
/** The ids of the step.run calls a run made, in order. */
const stepRuns = (ctx: InngestTestEngine.MockContext) => ctx.step.run.mock.calls.map((call) => call[0]);

/**
 * Each cron function in @inngest/test (a fresh engine per test), over a real database: which
 * steps it runs and what it fans out.
 */
describe.each(testDatabases())("cron functions on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 10, log: () => {} });
    await sandbox.start();
  });
  afterAll(async () => {
    await sandbox?.stop();
    await handle?.drop();
  });
  /** What the reconciliation functions run with: the system actor on this database, the sandbox as Twilio. */
  const reconcileDeps = (): ReconcileDeps => ({
    db: handle.db,
    actor: { type: "system", reason: "test" },
    jobs: recordingJobs(),
    provider: sandboxProvider(sandbox.url),
    log: logger,
  });

  it("task reminders: a tick step, then one page step per 1,000 tasks, each fanning out one send event per new reminder", async () => {
    const now = Date.parse("2032-02-02T10:00:00Z");
    const user = await userWith(handle.db);
    const due = await addTask(handle.db, user.id, { title: "Due soon", dueAt: new Date(now + 30 * MINUTE) });
    await addTask(handle.db, user.id, { title: "Later", dueAt: new Date(now + 3 * 60 * MINUTE) });
    const jobs = recordingJobs();
    const t = new InngestTestEngine({ function: createTaskRemindersFunction(client, () => ({ db: handle.db, jobs })) });

    const { result, ctx } = await t.execute({ events: [timer(taskRemindersCron.schedule, now)] });
    expect(stepRuns(ctx as InngestTestEngine.MockContext)).toEqual(["tick", "reminders"]);
    expect(result).toEqual({ tick: new Date(now).toISOString(), due: 1, created: 1, existing: 0 });
    const [message] = await handle.db.select().from(smsMessages).where(eq(smsMessages.userId, user.id));
    expect(message?.dedupeKey).toBe(`task_reminder:${due.id}:${due.dueAt!.toISOString()}`);
    expect(jobs.sent).toEqual([sendSmsJob.event({ messageId: message!.id, priority: "normal" }, { id: message!.id })]);

    // The same tick again (a repeated delivery): nothing new, nothing sent.
    const again = await new InngestTestEngine({ function: createTaskRemindersFunction(client, () => ({ db: handle.db, jobs })) }).execute({
      events: [timer(taskRemindersCron.schedule, now)],
    });
    expect(again.result).toEqual({ tick: new Date(now).toISOString(), due: 0, created: 0, existing: 0 });
    expect(jobs.sent).toHaveLength(1);
  });

  it("daily brief: a tick step, then page steps; every brief in the window is requested for its exact instant", async () => {
    const tick = Date.parse("2032-03-03T02:10:00Z");
    const kolkata = await userWith(handle.db, { timeZone: "Asia/Kolkata", dailyBrief: true, dailyBriefTime: "07:50" }); // 02:20Z
    const kathmandu = await userWith(handle.db, { timeZone: "Asia/Kathmandu", dailyBrief: true, dailyBriefTime: "08:00" }); // 02:15Z
    const later = await userWith(handle.db, { timeZone: "Asia/Kolkata", dailyBrief: true, dailyBriefTime: "09:00" });
    const jobs = recordingJobs();
    const t = new InngestTestEngine({ function: createDailyBriefFunction(client, () => ({ db: handle.db, jobs })) });

    const { result, ctx } = await t.execute({ events: [timer(dailyBriefCron.schedule, tick)] });
    expect(stepRuns(ctx as InngestTestEngine.MockContext)).toEqual(["tick", "briefs"]);
    expect(result).toMatchObject({ due: 2, created: 2, existing: 0 });
    const scheduled = async (userId: string) =>
      (await handle.db.select().from(smsMessages).where(eq(smsMessages.userId, userId))).map((m) => m.scheduledFor?.toISOString());
    expect(await scheduled(kolkata.id)).toEqual(["2032-03-03T02:20:00.000Z"]);
    expect(await scheduled(kathmandu.id)).toEqual(["2032-03-03T02:15:00.000Z"]);
    expect(await scheduled(later.id)).toEqual([]);
    expect(jobs.sent.map((e) => e.name)).toEqual([sendSmsJob.eventName, sendSmsJob.eventName]);
  });

  it("a tick handled late sweeps for the real time, not the tick's", async () => {
    const jobs = recordingJobs();
    const t = new InngestTestEngine({ function: createDailyBriefFunction(client, () => ({ db: handle.db, jobs })) });
    const { result } = await t.execute({ events: [timer(dailyBriefCron.schedule, Date.parse("2020-01-01T00:00:00Z"))] });
    expect(Date.parse((result as { tick: string }).tick)).toBeGreaterThan(Date.now() - MINUTE);
  });

  it("reconciliation: tick, then the unknown, in-flight and price sweeps; a re-queued text fans out one dispatch event", async () => {
    const user = await userWith(handle.db);
    const claimedAt = new Date(Date.now() - 20 * MINUTE);
    const lost = await createMessage(handle.db, user.id, { status: "unknown", to: "+15555550190", updatedAt: claimedAt, priority: "high" });
    await handle.db.insert(smsMessageEvents).values({ messageId: lost.id, status: "sending", source: "system", createdAt: claimedAt });
    const t = new InngestTestEngine({ function: createReconcileMessagesFunction(client, reconcileDeps) });
    const requeue = dispatchMessageJob.event({ messageId: lost.id, priority: "high" }, { id: `requeue:${lost.id}` });

    const { result, ctx } = await t.execute({
      events: [timer(reconcileMessagesCron.schedule, Date.now())],
      // The dispatch event goes to the engine; here the step's answer is mocked.
      steps: [{ id: "requeue", handler: () => ({ ids: ["evt"] }) }],
    });
    const mock = ctx as InngestTestEngine.MockContext;
    expect(stepRuns(mock)).toEqual(["tick", "unknown", "in-flight", "prices"]);
    expect(mock.step.sendEvent).toHaveBeenCalledWith("requeue", [requeue]);
    expect(result).toMatchObject({ unknown: { requeued: 1 } });
    const [row] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, lost.id));
    expect(row?.status).toBe("queued");
  });

  it("recover-stranded: a text whose send run was lost gets its start event again, with a fresh id the engine will not drop", async () => {
    const user = await userWith(handle.db);
    const old = new Date(Date.now() - 20 * MINUTE);
    const stranded = await createMessage(handle.db, user.id, { status: "pending", createdAt: old, updatedAt: old });
    const t = new InngestTestEngine({ function: createRecoverStrandedFunction(client, reconcileDeps) });
    const { result, ctx } = await t.execute({
      events: [timer(recoverStrandedCron.schedule, Date.now())],
      steps: [{ id: "restart-0", handler: () => ({ ids: ["evt"] }) }],
    });
    const mock = ctx as InngestTestEngine.MockContext;
    expect(stepRuns(mock)).toEqual(["tick", "page-0"]);
    const [, events] = mock.step.sendEvent.mock.calls.find((call) => call[0] === "restart-0")!;
    expect(events).toContainEqual(sendSmsJob.event({ messageId: stranded.id, priority: stranded.priority }, { id: `${stranded.id}:recover:1` }));
    expect(result).toMatchObject({ restarted: expect.any(Number) });
  });
});
