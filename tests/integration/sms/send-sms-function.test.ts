import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsDailyCounters, smsMessages, userSmsPreferences } from "@/db/schema";
import { createSendSmsFunction } from "@/inngest/functions/send-sms";
import { sendSmsJob } from "@/server/jobs/definitions";
import { systemContext } from "@/server/service-context";
import { requestSms, type SmsRequest } from "@/server/sms/request";
import { recordingJobs } from "../../helpers/jobs";
import { createSmsUser, sandboxProvider, seedTemplates } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";

// The send-sms function under @inngest/test: a fresh engine per test, the real decision and
// database behind its steps, sleeps mocked by step id (the mock moves the pipeline's clock to
// the wake-up time, as the engine would), and the hand-off to dispatch mocked.
// March 2, 2026 in New York is EST (UTC-5); quiet hours default to 21:00–08:00.
const DAYTIME = new Date("2026-03-02T15:00:00Z"); // 10:00 in New York
const LATE_EVENING = new Date("2026-03-02T03:00:00Z"); // 22:00 on March 1 in New York
const QUIET_ENDS = "2026-03-02T13:00:00.000Z"; // 08:00 in New York

describe.each(testDatabases())("send-sms under @inngest/test ($name)", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let clock = DAYTIME;
  let phoneSeq = 0;
  let handedOff = recordingJobs();
  const client = new Inngest({ id: "send-sms-unit", isDev: true });

  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
  });
  afterAll(async () => {
    await handle?.drop();
  });

  const fn = () =>
    createSendSmsFunction(client, () => ({
      db: handle.db,
      jobs: handedOff,
      sender: { provider: sandboxProvider(), statusCallbackUrl: "http://127.0.0.1:1/status", maxPerSecond: 1000 },
      now: () => clock,
    }));

  async function requested(overrides: Partial<SmsRequest> = {}, preferences: Partial<typeof userSmsPreferences.$inferInsert> = {}) {
    handedOff = recordingJobs();
    const user = await createSmsUser(handle.db, `+1555555${String(1000 + phoneSeq++)}`, preferences);
    const { messageId, status } = await requestSms(systemContext(handle.db, recordingJobs(), "test"), {
      userId: user.id,
      templateKey: "task_reminder",
      variables: { task_name: "Pour the slab", due_time: "at 9", task_context: "Site B" },
      ...overrides,
    }, clock);
    expect(status).toBe("pending");
    return { userId: user.id, messageId };
  }

  const message = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const stepIds = (mock: { mock: { calls: unknown[][] } }) => mock.mock.calls.map((call) => call[0]);
  const queued = { status: "queued", reason: null };
  const handedOffTo = (messageId: string, priority: string) => [
    { name: "sms/message.queued", data: { messageId, priority, releasedAt: expect.any(String) }, id: `${messageId}:dispatch` },
  ];

  /** A sleep mock that wakes the pipeline at the time the run asked for. */
  function wakeAt(stepId: string, at: string, whileAsleep?: () => Promise<void>) {
    return {
      id: stepId,
      handler: async () => {
        await whileAsleep?.();
        clock = new Date(at);
      },
    };
  }

  it("sends at once in the daytime: one decision, no sleep, handed to dispatch (with its priority) inside that step", async () => {
    clock = DAYTIME;
    const { messageId, userId } = await requested();
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({ steps: [] });

    expect(result).toEqual(queued);
    expect(stepIds(ctx.step.run)).toEqual(["decide-0"]);
    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
    expect(handedOff.sent).toEqual(handedOffTo(messageId, "normal"));
    expect(await message(messageId)).toMatchObject({ status: "queued", heldUntil: null, holdReason: null });
    const [counter] = await handle.db.select().from(smsDailyCounters).where(eq(smsDailyCounters.userId, userId));
    expect(counter).toMatchObject({ localDate: "2026-03-02", count: 1 });
  });

  it("sleeps until scheduledFor, showing scheduled (when and why) meanwhile, then decides again and sends", async () => {
    clock = DAYTIME;
    const at = "2026-03-02T18:30:00.000Z"; // 13:30 in New York
    const { messageId } = await requested({ scheduledFor: new Date(at) });
    let whileHeld: Awaited<ReturnType<typeof message>> | undefined;
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({
      steps: [wakeAt("hold-0", at, async () => void (whileHeld = await message(messageId)))],
    });

    expect(whileHeld).toMatchObject({ status: "scheduled", holdReason: "scheduled", heldUntil: new Date(at) });
    expect(ctx.step.sleepUntil).toHaveBeenCalledTimes(1);
    expect(ctx.step.sleepUntil).toHaveBeenCalledWith("hold-0", at);
    expect(stepIds(ctx.step.run)).toEqual(["decide-0", "decide-1"]);
    expect(result).toEqual(queued);
  });

  it("holds a text through the user's quiet hours (their zone) and sends when the window ends", async () => {
    clock = LATE_EVENING;
    const { messageId } = await requested();
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({ steps: [wakeAt("hold-0", QUIET_ENDS)] });

    expect(ctx.step.sleepUntil).toHaveBeenCalledWith("hold-0", QUIET_ENDS);
    expect(result).toEqual(queued);
  });

  it("follows the user's own zone: the same instant is daytime in Auckland, so no hold", async () => {
    clock = LATE_EVENING; // 16:00 in Auckland
    const { messageId } = await requested({}, { timeZone: "Pacific/Auckland" });
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({ steps: [] });
    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
    expect(result).toEqual(queued);
  });

  it("lets an urgent text through quiet hours, handed on as urgent", async () => {
    clock = LATE_EVENING;
    const { messageId } = await requested({ templateKey: "urgent_task", variables: { task_name: "Gas leak", due_date: "now" } });
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({ steps: [] });

    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
    expect(handedOff.sent).toEqual(handedOffTo(messageId, "urgent"));
    expect(result).toEqual(queued);
  });

  it("decides again after each sleep: a send time inside quiet hours sleeps twice, for each reason", async () => {
    clock = DAYTIME;
    const at = "2026-03-03T03:30:00.000Z"; // 22:30 in New York
    const { messageId } = await requested({ scheduledFor: new Date(at) });
    const reasons: (string | null)[] = [];
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({
      steps: [
        wakeAt("hold-0", at, async () => void reasons.push((await message(messageId)).holdReason)),
        wakeAt("hold-1", "2026-03-03T13:00:00.000Z", async () => void reasons.push((await message(messageId)).holdReason)),
      ],
    });

    expect(ctx.step.sleepUntil).toHaveBeenNthCalledWith(1, "hold-0", at);
    expect(ctx.step.sleepUntil).toHaveBeenNthCalledWith(2, "hold-1", "2026-03-03T13:00:00.000Z");
    expect(reasons).toEqual(["scheduled", "quiet_hours"]);
    expect(result).toEqual(queued);
  });

  it("applies a preference change made during the sleep: opted out while held → skipped on waking, never handed on", async () => {
    clock = LATE_EVENING;
    const { messageId, userId } = await requested();
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({
      steps: [
        wakeAt("hold-0", QUIET_ENDS, async () => {
          await handle.db.update(userSmsPreferences).set({ optedOutAt: clock }).where(eq(userSmsPreferences.userId, userId));
        }),
      ],
    });

    expect(result).toEqual({ status: "skipped", reason: "opted_out" });
    expect(stepIds(ctx.step.run)).toEqual(["decide-0", "decide-1"]);
    expect(handedOff.sent).toEqual([]);
    expect(await message(messageId)).toMatchObject({ status: "skipped", skipReason: "opted_out" });
  });

  it("skips a text over the user's daily cap, and hands nothing on", async () => {
    clock = DAYTIME;
    const { messageId, userId } = await requested({}, { dailyCap: 1 });
    await handle.db.insert(smsDailyCounters).values({ userId, localDate: "2026-03-02", count: 1 });
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({ steps: [] });

    expect(result).toEqual({ status: "skipped", reason: "daily_cap" });
    expect(stepIds(ctx.step.run)).toEqual(["decide-0"]);
    expect(handedOff.sent).toEqual([]);
    const [counter] = await handle.db
      .select()
      .from(smsDailyCounters)
      .where(and(eq(smsDailyCounters.userId, userId), eq(smsDailyCounters.localDate, "2026-03-02")));
    expect(counter?.count).toBe(1);
  });

  it("expires a text whose deadline falls inside the hold instead of sending it late", async () => {
    clock = LATE_EVENING;
    const { messageId } = await requested({ validUntil: new Date("2026-03-02T05:00:00Z") }); // midnight in New York
    const t = new InngestTestEngine({ function: fn(), events: [sendSmsJob.event({ messageId }, { id: messageId })] });
    const { result, ctx } = await t.execute({ steps: [] });

    expect(result).toEqual({ status: "skipped", reason: "expired" });
    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
    expect(await message(messageId)).toMatchObject({ status: "skipped", skipReason: "expired" });
  });
});
