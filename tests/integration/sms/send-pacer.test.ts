import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executeRows, type DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages, smsSendPacer } from "@/db/schema";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { dispatchMessage } from "@/server/sms/dispatch";
import { MAX_SEND_SLOT_WAIT_MS } from "@/server/sms/send-pacer";
import { systemContext } from "@/server/service-context";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { createMessage } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { createVerifiedUser, sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";

/**
 * The app-wide send pacer: the cap on texts per second holds where the text leaves, whatever
 * order and bunching the dispatch calls arrive in. Real database, official SDK, the sandbox.
 */
describe.each(testDatabases())("the send pacer on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let provider: ReturnType<typeof sandboxProvider>;

  beforeAll(async () => {
    handle = await database.open();
    // No status callbacks: only what reaches "Twilio", and when, matters here.
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 60_000 });
    await sandbox.start();
    provider = sandboxProvider(sandbox.url);
  });
  beforeEach(async () => {
    sandbox.reset();
    await handle.db.delete(smsSendPacer);
  });
  afterAll(async () => {
    await sandbox?.stop();
    await handle?.drop();
  });

  const dispatch = (messageId: string, maxPerSecond: number, claimToken = `run-${messageId}`) =>
    dispatchMessage(
      systemContext(handle.db, recordingJobs(), "test"),
      { provider, statusCallbackUrl: "http://127.0.0.1:1/status", maxPerSecond },
      { messageId, claimToken },
    );
  const queuedMessages = async (count: number, firstPhone: number) =>
    Promise.all(
      Array.from({ length: count }, async (_, k) => {
        const to = `+1555556${String(firstPhone + k).padStart(4, "0")}`;
        const user = await createVerifiedUser(handle.db, to);
        return (await createMessage(handle.db, user.id, { status: "queued", to })).id;
      }),
    );
  /** Each message's send slot, as the claim recorded it on its `sending` event. */
  const slotsOf = async (ids: string[]) => {
    const events = await handle.db
      .select({ messageId: smsMessageEvents.messageId, payload: smsMessageEvents.payload })
      .from(smsMessageEvents)
      .where(and(inArray(smsMessageEvents.messageId, ids), eq(smsMessageEvents.status, "sending")));
    return new Map(events.map((e) => [e.messageId, new Date(String(e.payload?.slotAt)).getTime()]));
  };
  const pacerNextAt = async () => (await handle.db.select().from(smsSendPacer))[0]?.nextAt.getTime();

  it("spaces sends started all at once 1/cap apart, each reaching Twilio no earlier than its slot", async () => {
    const cap = 10; // a slot every 100 ms
    const ids = await queuedMessages(12, 1);
    const started = Date.now();
    const outcomes = await Promise.all(ids.map((id) => dispatch(id, cap)));
    expect(outcomes.map((o) => o.result)).toEqual(ids.map(() => "sent"));

    const slots = await slotsOf(ids);
    const slotTimes = ids.map((id) => slots.get(id)!).sort((a, b) => a - b);
    expect(slotTimes.every(Number.isFinite)).toBe(true);
    for (let k = 1; k < slotTimes.length; k++) {
      // Slots are exactly 1/cap apart on the database's clock (to its microseconds, read here in ms).
      expect(slotTimes[k]! - slotTimes[k - 1]!).toBeGreaterThanOrEqual(1000 / cap - 1);
    }

    // What Twilio saw: one message per row, none before its slot, so (however bunched the calls
    // were) the last arrives at least eleven gaps of 1/cap after they all started.
    const received = [...sandbox.state.messages.values()];
    expect(received).toHaveLength(ids.length);
    const rows = await handle.db.select({ id: smsMessages.id, sid: smsMessages.twilioSid }).from(smsMessages).where(inArray(smsMessages.id, ids));
    const arrivals = received.map((m) => m.dateCreated.getTime()).sort((a, b) => a - b);
    for (const row of rows) {
      const arrived = received.find((m) => m.sid === row.sid)!.dateCreated.getTime();
      expect(arrived).toBeGreaterThanOrEqual(Math.floor(slots.get(row.id)!));
    }
    expect(arrivals.at(-1)! - started).toBeGreaterThanOrEqual(((ids.length - 1) * 1000) / cap);
  });

  it("a retried step, or a message no longer queued, takes no second slot and sends nothing again", async () => {
    const [id, cancelled] = await queuedMessages(2, 101);
    const first = await dispatch(id!, 5);
    expect(first.result).toBe("sent");
    const nextAt = await pacerNextAt();
    expect(nextAt).toBeDefined();

    expect(await dispatch(id!, 5)).toEqual(first); // the same run's retry: already sent, by whom
    expect(await dispatch(id!, 5, "another-run")).toEqual({ result: "not_claimed" });
    await handle.db.update(smsMessages).set({ status: "cancelled" }).where(eq(smsMessages.id, cancelled!));
    expect(await dispatch(cancelled!, 5)).toEqual({ result: "not_claimed" });

    expect(await pacerNextAt()).toBe(nextAt);
    expect(sandbox.state.messages.size).toBe(1);
  });

  it("claims nothing when the pacer's queue is longer than the wait bound, and says when to come back", async () => {
    const [id] = await queuedMessages(1, 201);
    const backlogMs = 60 * 60_000;
    await executeRows(
      handle.db,
      sql`insert into sms_send_pacer (id, next_at) values ('twilio', clock_timestamp() + ${backlogMs}::float8 * interval '1 millisecond')`,
    );
    const nextAt = await pacerNextAt();

    const outcome = await dispatch(id!, 50);
    expect(outcome.result).toBe("paced");
    expect(outcome.result === "paced" && outcome.retryAfterMs).toBeGreaterThan(backlogMs - 60_000);
    const [row] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id!));
    expect(row).toMatchObject({ status: "queued", attemptCount: 0, claimToken: null });
    expect(await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id!))).toHaveLength(0);
    expect(await pacerNextAt()).toBe(nextAt);
    expect(sandbox.state.messages.size).toBe(0);

    // Within the bound the claim waits for its slot instead.
    await executeRows(
      handle.db,
      sql`update sms_send_pacer set next_at = clock_timestamp() + ${MAX_SEND_SLOT_WAIT_MS / 10}::float8 * interval '1 millisecond'`,
    );
    expect((await dispatch(id!, 50)).result).toBe("sent");
    expect(sandbox.state.messages.size).toBe(1);
  });
});
