import { and, eq } from "drizzle-orm";
import type { Inngest } from "inngest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages, userSmsPreferences } from "@/db/schema";
import { createDispatchMessageFunction, DISPATCH_RETRIES } from "@/inngest/functions/dispatch-message";
import { createSendSmsFunction } from "@/inngest/functions/send-sms";
import { createClock, type Executor } from "@/local/inngest-executor";
import { type TwilioSandbox } from "@/local/twilio-sandbox";
import type { JobEvent, JobSender } from "@/server/jobs/define";
import { systemContext, type ServiceContext } from "@/server/service-context";
import type { SmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { dispatchMessage } from "@/server/sms/dispatch";
import { cancelMessage, requestSms, requestSmsBatch, type SmsRequest } from "@/server/sms/request";
import { executorStorages, serveApp, startTestExecutor, testClient, waitFor } from "../executor/harness";
import { clientJobs } from "../../helpers/jobs";
import { createSmsUser, sandboxProvider, seedTemplates } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { startSandboxLoop } from "../../helpers/sandbox-loop";

const HOUR = 3_600_000;
const SEND_SMS = "buildos-sms-pipeline-send-sms";

/**
 * The whole send pipeline with real parts: requestSms records a text and emits its event; the
 * local executor runs send-sms (holding it through its time and quiet hours on the executor's
 * test clock) and the throttled dispatch function, both served by the real Inngest SDK; the
 * official Twilio SDK sends to the sandbox, whose signed callbacks come back to our webhook.
 */
describe.each(testDatabases())("the send pipeline on the executor and the sandbox ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let executor: Executor;
  let client: Inngest;
  let jobs: JobSender & { sends: JobEvent[][] };
  let ctx: ServiceContext;
  const clock = createClock();
  const closers: (() => Promise<void>)[] = [];
  let phoneSeq = 0;

  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
    const loop = await startSandboxLoop(handle.db);
    sandbox = loop.sandbox;
    const provider = loop.provider;
    // The executor keeps its state in the same kind of store as the app's.
    const storage = executorStorages().find((candidate) => candidate.name === database.name);
    const started = await startTestExecutor({ clock, retryBackoffMs: () => 50, storage });
    executor = started.executor;
    client = testClient("buildos-sms-pipeline", executor.url);
    const sent = clientJobs(client);
    jobs = {
      sends: [],
      async send(events) {
        jobs.sends.push(events);
        await sent.send(events);
      },
    };
    ctx = systemContext(handle.db, jobs, "test");
    const deps = (): SmsPipelineDeps => ({
      db: handle.db,
      jobs,
      sender: { provider, statusCallbackUrl: loop.statusCallbackUrl, maxPerSecond: 50 },
      now: () => new Date(clock.now()),
    });
    const app = await serveApp(client, [
      createSendSmsFunction(client, deps),
      createDispatchMessageFunction(client, deps, { maxPerSecond: 50 }),
    ]);
    await executor.sync(app.url);
    closers.push(app.close, started.close, loop.close, () => handle.drop());
  });
  beforeEach(() => {
    sandbox.reset();
    jobs.sends = [];
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  const nextPhone = () => `+1555556${String(1000 + phoneSeq++)}`;
  const message = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const sandboxTextsTo = (phone: string) => sandbox.snapshot().messages.filter((m) => m.to === phone);
  const reminder = (userId: string, extra: Partial<SmsRequest> = {}): SmsRequest => ({
    userId,
    templateKey: "task_reminder",
    variables: { task_name: "Pour the slab", due_time: "at 9", task_context: "Site B" },
    ...extra,
  });
  const untilStatus = (id: string, ...statuses: string[]) =>
    waitFor(async () => {
      const m = await message(id);
      return statuses.includes(m.status) ? m : undefined;
    }, `message ${id} ${statuses.join("/")}`);
  /** Waits until the message's send-sms run is asleep (observable state, not a guess). */
  const asleep = (id: string) =>
    waitFor(async () => {
      const runs = await executor.listRuns({ functionId: SEND_SMS, limit: 100 });
      const run = runs.find((r) => JSON.stringify(r.event).includes(id));
      const detail = run && (await executor.getRun(run.id));
      return detail?.steps.some((s) => s.status === "sleeping") ? detail : undefined;
    }, `send-sms run of ${id} asleep`);
  const runOf = async (id: string) =>
    (await executor.listRuns({ functionId: SEND_SMS, limit: 100 })).find((r) => JSON.stringify(r.event).includes(id));
  /** A quiet window in UTC that contains the executor's now and ends in `hoursLeft`. */
  const quietNow = (hoursLeft: number) => {
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    return { timeZone: "UTC", quietHoursStart: hhmm(clock.now() - HOUR), quietHoursEnd: hhmm(clock.now() + hoursLeft * HOUR) };
  };

  it("sends a scheduled text at its time (executor clock), held as scheduled until then", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    const at = new Date(clock.now() + 3 * HOUR);
    const { messageId } = await requestSms(ctx, reminder(user.id, { scheduledFor: at }), new Date(clock.now()));
    await asleep(messageId);
    expect(await message(messageId)).toMatchObject({ status: "scheduled", holdReason: "scheduled", heldUntil: at });
    expect(sandboxTextsTo(phone)).toHaveLength(0);

    await executor.advanceClock(3 * HOUR + 1_000);
    const delivered = await untilStatus(messageId, "delivered");
    expect(delivered).toMatchObject({ heldUntil: null, holdReason: null, attemptCount: 1 });
    expect(sandboxTextsTo(phone)).toHaveLength(1);
    const events = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, messageId)).orderBy(smsMessageEvents.id);
    expect(events.filter((e) => e.source !== "callback").map((e) => `${e.source}:${e.status}`)).toEqual([
      "system:pending",
      "system:scheduled",
      "system:queued",
      "system:sending",
      "api:accepted",
    ]);
  });

  it("holds a text through quiet hours and sends it when the window ends; an urgent one goes at once", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, quietNow(2));
    const { messageId } = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    const urgent = await requestSms(
      ctx,
      { userId: user.id, templateKey: "urgent_task", variables: { task_name: "Gas leak", due_date: "now" } },
      new Date(clock.now()),
    );
    await asleep(messageId);
    expect(await message(messageId)).toMatchObject({ status: "scheduled", holdReason: "quiet_hours" });
    await untilStatus(urgent.messageId, "delivered");
    expect(sandboxTextsTo(phone)).toHaveLength(1);

    await executor.advanceClock(2 * HOUR + 60_000);
    await untilStatus(messageId, "delivered");
    expect(sandboxTextsTo(phone)).toHaveLength(2);
  });

  it("three texts held through quiet hours reach the phone as one digest; the held texts end merged", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, quietNow(2));
    const ids = [];
    for (const task of ["Pour the slab", "Strip the forms", "Order rebar"]) {
      const { messageId } = await requestSms(
        ctx,
        reminder(user.id, { variables: { task_name: task, due_time: "at 9", task_context: "Site B" }, dedupeKey: `digest-e2e:${task}:${phone}` }),
        new Date(clock.now()),
      );
      ids.push(messageId);
    }
    for (const id of ids) await asleep(id);
    await executor.advanceClock(2 * HOUR + 60_000);
    const merged = await Promise.all(ids.map((id) => untilStatus(id, "merged")));
    const digestId = merged[0]!.mergedIntoId!;
    expect(merged.every((m) => m.mergedIntoId === digestId)).toBe(true);
    await untilStatus(digestId, "delivered");
    const texts = sandboxTextsTo(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.body).toMatch(/^BuildOS: 3 texts: .*Pour the slab.*; .*Strip the forms.*; .*Order rebar/);
  });

  it("skips at request time: no verified number, opted out, category off (recorded, nothing sent, no run)", async () => {
    const unverified = await createSmsUser(handle.db, nextPhone(), { phoneVerifiedAt: null });
    const optedOut = await createSmsUser(handle.db, nextPhone(), { optedOutAt: new Date() });
    const categoryOff = await createSmsUser(handle.db, nextPhone(), { taskReminders: false });
    const results = [];
    for (const user of [unverified, optedOut, categoryOff]) results.push(await requestSms(ctx, reminder(user.id)));
    expect(results.map((r) => r.status)).toEqual(["skipped", "skipped", "skipped"]);
    const rows = await Promise.all(results.map((r) => message(r.messageId)));
    expect(rows.map((m) => m.skipReason)).toEqual(["unverified", "opted_out", "category_off"]);
    expect(rows[0]?.to).toBeNull();
    expect(jobs.sends).toHaveLength(0);
  });

  it("applies changes made during the sleep on waking: opted out, new number, category off → skipped with their reason", async () => {
    const phones = [nextPhone(), nextPhone(), nextPhone()];
    const users = await Promise.all(phones.map((p) => createSmsUser(handle.db, p, { quietHoursEnabled: false })));
    const at = new Date(clock.now() + HOUR);
    const ids: string[] = [];
    for (const user of users) ids.push((await requestSms(ctx, reminder(user.id, { scheduledFor: at }), new Date(clock.now()))).messageId);
    for (const id of ids) await asleep(id);

    const prefs = (userId: string) => eq(userSmsPreferences.userId, userId);
    await handle.db.update(userSmsPreferences).set({ optedOutAt: new Date() }).where(prefs(users[0]!.id));
    await handle.db.update(userSmsPreferences).set({ phone: nextPhone(), phoneVerifiedAt: new Date() }).where(prefs(users[1]!.id));
    await handle.db.update(userSmsPreferences).set({ taskReminders: false }).where(prefs(users[2]!.id));
    await executor.advanceClock(HOUR + 1_000);

    const skipped = await Promise.all(ids.map((id) => untilStatus(id, "skipped")));
    expect(skipped.map((m) => m.skipReason)).toEqual(["opted_out", "unverified", "category_off"]);
    expect(sandbox.snapshot().messages).toHaveLength(0);
  });

  it("skips a text over the daily cap once the cap is reserved", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false, dailyCap: 1 });
    const first = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    await untilStatus(first.messageId, "delivered");
    const second = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    expect(await untilStatus(second.messageId, "skipped")).toMatchObject({ skipReason: "daily_cap" });
    expect(sandboxTextsTo(phone)).toHaveLength(1);
  });

  it("cancel while asleep: the run stops and the text is never sent", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    const { messageId } = await requestSms(ctx, reminder(user.id, { scheduledFor: new Date(clock.now() + HOUR) }), new Date(clock.now()));
    await asleep(messageId);
    expect(await cancelMessage(ctx, messageId)).toEqual({ messageId, status: "cancelled", changed: true });
    await waitFor(async () => (await runOf(messageId))?.status === "cancelled", "send-sms run cancelled");
    await executor.advanceClock(HOUR + 1_000);
    expect(await message(messageId)).toMatchObject({ status: "cancelled", heldUntil: null });
    expect(sandboxTextsTo(phone)).toHaveLength(0);
    await expect(cancelMessage(ctx, messageId)).resolves.toMatchObject({ changed: false });
  });

  it("a cancel that wins the race against the hand-off: dispatch's claim never sends a cancelled row", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    const [row] = await handle.db
      .insert(smsMessages)
      .values({ userId: user.id, to: phone, body: "BuildOS: x", category: "task_reminders", status: "queued", dedupeKey: `race:${phone}` })
      .returning();
    await cancelMessage(ctx, row!.id);
    const outcome = await dispatchMessage(systemContext(handle.db, jobs, "test"), { provider: sandboxProvider(sandbox.url), statusCallbackUrl: "http://127.0.0.1:1/s", maxPerSecond: 1000 }, { messageId: row!.id, claimToken: "test-run" });
    expect(outcome).toEqual({ result: "not_claimed" });
    expect(sandboxTextsTo(phone)).toHaveLength(0);
  });

  it("retries Twilio's 429 and then sends exactly once", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    sandbox.setFaults({ rateLimits: 1, retryAfterSeconds: 1 });
    const { messageId } = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    const delivered = await untilStatus(messageId, "delivered");
    expect(delivered.attemptCount).toBe(2);
    expect(sandboxTextsTo(phone)).toHaveLength(1);
  });

  it("marks a text failed once 5xx outlasts an hour of retries, never having sent it", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    sandbox.setFaults({ serverErrors: 1_000 });
    const { messageId } = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    const failed = await waitFor(async () => {
      const m = await message(messageId);
      if (m.status === "failed") return m;
      await executor.advanceClock(15 * 60_000);
      return undefined;
    }, "failed after retries");
    expect(failed.attemptCount).toBe(DISPATCH_RETRIES + 1);
    expect(failed.failReason).toMatch(/^not accepted by Twilio after retries/);
    expect(sandboxTextsTo(phone)).toHaveLength(0);
  });

  it("a permanent refusal fails at once with the code and a plain-words reason", async () => {
    const user = await createSmsUser(handle.db, "+15005550009", { quietHoursEnabled: false });
    const { messageId } = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    expect(await untilStatus(messageId, "failed")).toMatchObject({
      errorCode: 21614,
      failReason: "The number is not a mobile number, so it cannot receive texts.",
      attemptCount: 1,
    });
  });

  it("a text that expires in Twilio's queue is recorded with 30036 and its own reason", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    sandbox.setFaults({ validityExpiries: 1 });
    const { messageId } = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    expect(await untilStatus(messageId, "failed")).toMatchObject({
      errorCode: 30036,
      failReason: "The text waited too long in the sending queue and expired rather than arrive late.",
    });
    const [sent] = sandboxTextsTo(phone);
    expect(sent?.status).toBe("failed");
  });

  it("accept-then-drop: marked unknown, never sent a second time", async () => {
    const phone = nextPhone();
    const user = await createSmsUser(handle.db, phone, { quietHoursEnabled: false });
    sandbox.setFaults({ dropConnections: 1 });
    const { messageId } = await requestSms(ctx, reminder(user.id), new Date(clock.now()));
    await waitFor(
      async () =>
        (await handle.db.select().from(smsMessageEvents).where(and(eq(smsMessageEvents.messageId, messageId), eq(smsMessageEvents.status, "unknown"))))
          .length === 1,
      "unknown recorded",
    );
    // Twilio did take it: its signed callbacks (our id is in their URL) settle the row.
    const settled = await untilStatus(messageId, "delivered");
    expect(settled.attemptCount).toBe(1);
    expect(sandboxTextsTo(phone)).toHaveLength(1);
  });

  it("a repeated dedupe key returns the first message and creates nothing: no row, no event", async () => {
    const user = await createSmsUser(handle.db, nextPhone(), { quietHoursEnabled: false });
    const request = reminder(user.id, { dedupeKey: `reminder:${user.id}:task-1` });
    const first = await requestSms(ctx, request, new Date(clock.now()));
    const again = await requestSms(ctx, request, new Date(clock.now()));
    expect(first.created).toBe(true);
    expect(again).toEqual({ messageId: first.messageId, status: expect.any(String), created: false });
    expect(jobs.sends).toHaveLength(1);
    expect(await handle.db.select().from(smsMessages).where(eq(smsMessages.dedupeKey, request.dedupeKey!))).toHaveLength(1);
    await untilStatus(first.messageId, "delivered");
  });

  it("a batch is one insert and one event send; repeats within it or of earlier keys create nothing", async () => {
    const users = await Promise.all([0, 1, 2].map(() => createSmsUser(handle.db, nextPhone(), { quietHoursEnabled: false })));
    const requests = users.map((u) => reminder(u.id, { dedupeKey: `brief:${u.id}` }));
    const result = await requestSmsBatch(ctx, [...requests, requests[0]!], new Date(clock.now()));
    expect(result).toEqual({ created: 3, existing: 1 });
    expect(jobs.sends).toHaveLength(1);
    expect(jobs.sends[0]).toHaveLength(3);
    expect(await requestSmsBatch(ctx, requests, new Date(clock.now()))).toEqual({ created: 0, existing: 3 });
    expect(jobs.sends).toHaveLength(1);
  });
});
