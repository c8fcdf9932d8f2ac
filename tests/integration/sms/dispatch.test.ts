import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsDailyCounters, smsMessageEvents, smsMessages, smsOptChanges, userSmsPreferences } from "@/db/schema";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { dispatchMessage, INTERRUPTED_SEND_REASON } from "@/server/sms/dispatch";
import type { SmsProvider } from "@/server/sms/provider";
import { systemContext } from "@/server/service-context";
import { recordingJobs } from "../../helpers/jobs";
import { handleInboundWebhook, handleStatusWebhook, type TwilioWebhookDeps } from "@/server/webhooks/twilio-handlers";
import { deferred, waitFor } from "../executor/harness";
import { createMessage } from "../../helpers/factories";
import { createVerifiedUser, preferencesOf, sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { serveFetchHandler } from "../../helpers/webhook-server";

/**
 * The whole loop with real parts: the official SDK sends to the sandbox, the sandbox walks
 * the lifecycle and POSTs signed callbacks to our webhook handlers, which verify and apply them.
 */
describe.each(testDatabases())("dispatch through the sandbox on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let app: { url: string; close(): Promise<void> };
  let deps: TwilioWebhookDeps;
  let provider: ReturnType<typeof sandboxProvider>;
  /** While set, status callbacks wait at our door (Twilio's arrive whenever they like). */
  let callbacksHeld: Promise<void> | null = null;

  beforeAll(async () => {
    handle = await database.open();
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 20 });
    await sandbox.start();
    provider = sandboxProvider(sandbox.url);
    app = await serveFetchHandler(async (req) => {
      const url = new URL(req.url).pathname;
      if (url.endsWith("/inbound")) return handleInboundWebhook(deps, req);
      if (callbacksHeld) await callbacksHeld;
      return handleStatusWebhook(deps, req);
    });
    const publicUrl = app.url;
    deps = {
      db: handle.db,
      jobs: recordingJobs(),
      provider,
      check: { publicUrl, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider },
      program: { name: "BuildOS SMS", supportUrl: `${publicUrl}/help` },
    };
    sandbox.setInboundWebhookUrl(`${publicUrl}/api/webhooks/twilio/inbound`);
  });
  beforeEach(() => {
    sandbox.reset();
    callbacksHeld = null;
  });
  afterAll(async () => {
    await sandbox?.stop();
    await app?.close();
    await handle?.drop();
  });

  /** One try of a durable run ("run-1" unless another run is named) to send the message. */
  const dispatch = (messageId: string, claimToken = "run-1", via: Pick<SmsProvider, "send"> = provider, releasedAt?: Date) =>
    dispatchMessage(
      systemContext(handle.db, recordingJobs(), "test"),
      { provider: via, statusCallbackUrl: `${app.url}/api/webhooks/twilio/status`, maxPerSecond: 1000 },
      { messageId, claimToken, releasedAt },
    );
  const sandboxMessagesTo = (to: string) => sandbox.snapshot().messages.filter((m: { to: string }) => m.to === to);

  async function messageState(id: string) {
    const [message] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id));
    const events = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id));
    return { message: message!, events };
  }

  /** Waits until the sandbox has finished every message and delivered every callback; fails if it never does. */
  async function settle() {
    await waitFor(async () => {
      await sandbox.callbacksIdle();
      return !sandbox.snapshot().messages.some((m: { status: string }) => ["queued", "accepted", "sending", "sent"].includes(m.status));
    }, "the sandbox to finish every message");
    await sandbox.callbacksIdle(); // the final status's callback, queued as the status changed
  }

  it("sends once, then signed callbacks carry the message to delivered", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550111");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550111", body: "BuildOS: hello" });
    const outcome = await dispatch(id);
    expect(outcome.result).toBe("sent");
    expect(await dispatch(id, "run-2")).toEqual({ result: "not_claimed" }); // another run cannot send it again
    expect(await dispatch(id)).toEqual(outcome); // a retry of the same run: already sent, and by whom
    await settle();
    const { message, events } = await messageState(id);
    expect(message.status).toBe("delivered");
    expect(message.twilioSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.deliveredAt).toBeInstanceOf(Date);
    expect(message.attemptCount).toBe(1);
    expect(events.map((e) => e.status)).toEqual(expect.arrayContaining(["sent", "delivered"]));
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550111")).toHaveLength(1);
  });

  it("survives duplicate and out-of-order callbacks from Twilio", async () => {
    sandbox.setFaults({ duplicateCallbacks: true, outOfOrderCallbacks: true });
    const user = await createVerifiedUser(handle.db, "+15555550112");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550112" });
    expect((await dispatch(id)).result).toBe("sent");
    await settle();
    const { message, events } = await messageState(id);
    expect(message.status).toBe("delivered");
    const sent = events.filter((e) => e.status === "sent");
    expect(sent).toHaveLength(1);
    expect(events.filter((e) => e.status === "delivered")).toHaveLength(1);
  });

  it("marks the user opted out when Twilio answers 21610", async () => {
    const user = await createVerifiedUser(handle.db, "+15005550004");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15005550004" });
    expect(await dispatch(id)).toMatchObject({ result: "failed", code: 21610 });
    const { message } = await messageState(id);
    expect(message).toMatchObject({ status: "failed", errorCode: 21610 });
    const prefs = await preferencesOf(handle.db, user.id);
    expect(prefs.optedOutAt).toBeInstanceOf(Date);
    expect(prefs.optOutSource).toBe("twilio_21610");
    const changes = await handle.db.select().from(smsOptChanges).where(eq(smsOptChanges.userId, user.id));
    expect(changes).toEqual([expect.objectContaining({ kind: "opt_out", source: "twilio_21610" })]);
  });

  it("a STOP text through the signed inbound webhook opts out; a text already queued is then skipped at its claim, never handed to Twilio", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550113");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550113" });
    const record = await sandbox.simulateInbound({ from: "+15555550113", body: " Stop " });
    expect(JSON.stringify(record)).toMatch(/unsubscribed/);
    expect((await preferencesOf(handle.db, user.id)).optOutSource).toBe("keyword");
    expect(await dispatch(id)).toEqual({ result: "skipped", reason: "opted_out" });
    expect((await messageState(id)).message).toMatchObject({ status: "skipped", skipReason: "opted_out", capLocalDate: null });
    expect(sandboxMessagesTo("+15555550113").filter((m: { direction: string }) => m.direction === "outbound-api")).toHaveLength(0);
  });

  it("quiet hours that began while a text waited in the dispatch queue send it back to being held, its cap slot given back", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550114");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550114", capLocalDate: "2026-01-01" });
    await handle.db.insert(smsDailyCounters).values({ userId: user.id, localDate: "2026-01-01", count: 1 });
    // The user turns on quiet hours that cover every moment: 00:00 to 23:59 in their zone.
    await handle.db
      .update(userSmsPreferences)
      .set({ quietHoursEnabled: true, quietHoursStart: "00:00", quietHoursEnd: "23:59", timeZone: "UTC" })
      .where(eq(userSmsPreferences.userId, user.id));
    const outcome = await dispatch(id);
    expect(outcome).toMatchObject({ result: "held", why: "quiet_hours" });
    const { message } = await messageState(id);
    expect(message).toMatchObject({ status: "scheduled", holdReason: "quiet_hours", capLocalDate: null });
    expect(message.heldUntil?.toISOString()).toBe((outcome as { until: string }).until);
    const [counter] = await handle.db.select().from(smsDailyCounters).where(eq(smsDailyCounters.userId, user.id));
    expect(counter?.count).toBe(0);
    expect(sandboxMessagesTo("+15555550114")).toHaveLength(0);
  });

  it("a text released for the end of quiet hours on the engine's clock is not held again by an app clock that runs behind", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550116");
    const now = new Date();
    // Quiet hours until two minutes from now (UTC); the engine released the text for their end.
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    await handle.db
      .update(userSmsPreferences)
      .set({ quietHoursEnabled: true, quietHoursStart: hhmm(now.getTime() - 3_600_000), quietHoursEnd: hhmm(now.getTime() + 120_000), timeZone: "UTC" })
      .where(eq(userSmsPreferences.userId, user.id));
    const quietEnd = new Date(Math.floor((now.getTime() + 120_000) / 60_000) * 60_000);
    const released = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550116" });
    expect(await dispatch(released.id, "run-1", provider, quietEnd)).toMatchObject({ result: "sent" });
    // Without the release time the same claim, on the app's clock, holds it.
    const unreleased = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550116" });
    expect(await dispatch(unreleased.id, "run-2")).toMatchObject({ result: "held", why: "quiet_hours" });
    await settle();
  });

  it("puts the message back in the queue on 5xx and 429 (nothing reached Twilio)", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550114");
    sandbox.setFaults({ serverErrors: 1 });
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550114" });
    expect((await dispatch(id)).result).toBe("retry");
    expect((await messageState(id)).message.status).toBe("queued");
    sandbox.setFaults({ rateLimits: 1, retryAfterSeconds: 7 });
    expect(await dispatch(id)).toMatchObject({ result: "retry", retryAfterMs: 7000 });
    expect((await dispatch(id)).result).toBe("sent");
    await settle();
    const { message } = await messageState(id);
    expect(message.status).toBe("delivered");
    expect(message.attemptCount).toBe(3);
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550114")).toHaveLength(1);
  });

  it("never re-sends when the connection drops after Twilio accepted: status unknown", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550115");
    sandbox.setFaults({ dropConnections: 1 });
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550115" });
    const callbacks = deferred();
    callbacksHeld = callbacks.promise; // so nothing settles the message while we ask again
    const outcome = await dispatch(id);
    expect(outcome.result).toBe("unknown");
    expect(await dispatch(id)).toEqual(outcome); // a retry of the same run tells the same story
    expect(await dispatch(id, "run-2")).toEqual({ result: "not_claimed" });
    callbacks.resolve();
    await settle();
    // Twilio did send it; its signed callbacks (carrying our id in the URL) resolve the unknown state.
    const { message } = await messageState(id);
    expect(message.status).toBe("delivered");
    expect(sandbox.snapshot().messages.filter((m: { to: string }) => m.to === "+15555550115")).toHaveLength(1);
  });

  it("a retry after a try died mid-send marks the message unknown, never sends again, and says so", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550116");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550116" });
    const callbacks = deferred();
    callbacksHeld = callbacks.promise; // so nothing settles the message while the retry looks at it
    // The first try reaches Twilio, then its process dies before recording the answer.
    const accepted = deferred();
    const dies: Pick<SmsProvider, "send"> = {
      async send(message) {
        await provider.send(message);
        accepted.resolve();
        return new Promise<never>(() => {}); // never answers: this try is gone
      },
    };
    void dispatch(id, "run-1", dies);
    await accepted.promise;
    expect((await messageState(id)).message).toMatchObject({ status: "sending", claimToken: "run-1", twilioSid: null });

    const resumed = await dispatch(id, "run-1");
    expect(resumed).toEqual({ result: "unknown", reason: INTERRUPTED_SEND_REASON });
    const { message, events } = await messageState(id);
    expect(message).toMatchObject({ status: "unknown", errorMessage: INTERRUPTED_SEND_REASON, attemptCount: 1 });
    // The claim's own event, then the verdict on the interrupted send.
    expect(events.map((e) => `${e.source}:${e.status}`)).toEqual(["system:sending", "system:unknown"]);
    expect(await dispatch(id, "run-1")).toEqual(resumed); // asked again: same answer, still no second send
    expect(await dispatch(id, "run-2")).toEqual({ result: "not_claimed" }); // another run's claim is not its own
    expect(sandboxMessagesTo("+15555550116")).toHaveLength(1);

    callbacks.resolve();
    await settle(); // Twilio's callbacks (our id in the URL) then settle what happened
    expect((await messageState(id)).message.status).toBe("delivered");
    expect(sandboxMessagesTo("+15555550116")).toHaveLength(1);
  });

  it("records asynchronous delivery failures with their code", async () => {
    const user = await createVerifiedUser(handle.db, "+15005550030");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15005550030" });
    expect((await dispatch(id)).result).toBe("sent");
    await settle();
    const { message } = await messageState(id);
    expect(message).toMatchObject({ status: "undelivered", errorCode: 30003 });
  });
});
