import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { applyStatusCallback } from "@/server/sms/apply-status-reports";
import { SANDBOX_ACCOUNT_SID } from "../../helpers/sandbox-account";
import { createMessage, createUser } from "../../helpers/factories";
import { sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { recordingJobs } from "../../helpers/jobs";
import { webhookContext } from "@/server/service-context";

const provider = sandboxProvider();
let sidCounter = 0;
const newSid = () => `SM${(++sidCounter).toString(16).padStart(32, "0")}`;

function callbackParams(sid: string, status: string, extra: Record<string, string> = {}) {
  return { MessageSid: sid, SmsSid: sid, AccountSid: SANDBOX_ACCOUNT_SID, MessageStatus: status, SmsStatus: status, To: "+15555550100", From: "+15005550006", ApiVersion: "2010-04-01", ...extra };
}

describe.each(testDatabases())("status callbacks on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let userId: string;
  beforeAll(async () => {
    handle = await database.open();
    userId = (await createUser(handle.db)).id;
  });
  afterAll(() => handle?.drop());

  async function deliver(sid: string, status: string, extra: Record<string, string> = {}, messageId?: string) {
    const params = callbackParams(sid, status, extra);
    return applyStatusCallback(webhookContext(handle.db, recordingJobs()), { callback: provider.parseStatusCallback(params), payload: params, messageId });
  }
  async function stateOf(id: string) {
    const [message] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id));
    const events = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id)).orderBy(smsMessageEvents.id);
    return { message: message!, events };
  }

  it("walks queued → sent → delivered and records each step", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending", twilioSid: sid });
    expect((await deliver(sid, "queued")).result).toBe("recorded"); // sending outranks queued
    expect((await deliver(sid, "sent")).result).toBe("applied");
    expect((await deliver(sid, "delivered")).result).toBe("applied");
    const { message, events } = await stateOf(id);
    expect(message.status).toBe("delivered");
    expect(message.deliveredAt).toBeInstanceOf(Date);
    expect(message.sentAt).toBeInstanceOf(Date);
    expect(events.map((e) => [e.status, e.applied])).toEqual([["queued", false], ["sent", true], ["delivered", true]]);
  });

  it("absorbs duplicate callbacks: one event, no second change", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending", twilioSid: sid });
    expect((await deliver(sid, "sent")).result).toBe("applied");
    expect((await deliver(sid, "sent")).result).toBe("duplicate");
    expect((await deliver(sid, "delivered")).result).toBe("applied");
    expect((await deliver(sid, "delivered")).result).toBe("duplicate");
    const { message, events } = await stateOf(id);
    expect(message.status).toBe("delivered");
    expect(events).toHaveLength(2);
  });

  it("never moves a terminal status back: delivered before sent stays delivered", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending", twilioSid: sid });
    expect((await deliver(sid, "delivered")).result).toBe("applied");
    expect((await deliver(sid, "sent")).result).toBe("recorded");
    expect((await deliver(sid, "undelivered", { ErrorCode: "30003" })).result).toBe("recorded");
    const { message, events } = await stateOf(id);
    expect(message.status).toBe("delivered");
    expect(message.errorCode).toBeNull();
    expect(events.map((e) => [e.status, e.applied])).toEqual([["delivered", true], ["sent", false], ["undelivered", false]]);
  });

  it("records failure after sent with the error code and a readable reason", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending", twilioSid: sid });
    await deliver(sid, "sent");
    expect((await deliver(sid, "failed", { ErrorCode: "30006" })).result).toBe("applied");
    const { message } = await stateOf(id);
    expect(message.status).toBe("failed");
    expect(message.errorCode).toBe(30006);
    expect(message.failReason).toMatch(/landline|unreachable|carrier/i);
    expect(message.deliveredAt).toBeNull();
  });

  it("stores price when the callback carries it", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sent", twilioSid: sid });
    await deliver(sid, "delivered", { Price: "-0.00790", PriceUnit: "USD" });
    const { message } = await stateOf(id);
    expect(Number(message.price)).toBeCloseTo(-0.0079);
    expect(message.priceUnit).toBe("USD");
  });

  it("finds a message by our id before its SID is stored (callback raced the API response)", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending" });
    expect((await deliver(sid, "sent", {}, id)).result).toBe("applied");
    const { message } = await stateOf(id);
    expect(message.twilioSid).toBe(sid);
    expect(message.status).toBe("sent");
  });

  it("keeps the SID of a callback that does not move the row (queued after sending, before our own record)", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending" });
    expect((await deliver(sid, "queued", {}, id)).result).toBe("recorded"); // sending outranks queued
    const { message } = await stateOf(id);
    expect(message.status).toBe("sending");
    expect(message.twilioSid).toBe(sid); // a restart now finds the send went through, never re-sends it
  });

  it("refuses to attach a callback to another message's row via a mismatched id", async () => {
    const sidA = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending", twilioSid: sidA });
    expect((await deliver(newSid(), "delivered", {}, id)).result).toBe("unknown_message");
    expect((await stateOf(id)).message.status).toBe("sending");
  });

  it("applies callbacks that arrive together as if each ran alone (batched statements)", async () => {
    const sids = Array.from({ length: 6 }, newSid);
    const ids = await Promise.all(sids.map(async (sid) => (await createMessage(handle.db, userId, { status: "sending", twilioSid: sid })).id));
    // Every message gets sent and delivered twice, all in flight at once and in mixed order.
    const outcomes = await Promise.all(
      sids.flatMap((sid, i) => (i % 2 ? ["delivered", "sent", "delivered", "sent"] : ["sent", "delivered", "sent", "delivered"]).map((s) => deliver(sid, s))),
    );
    expect(outcomes.filter((o) => o.result === "duplicate")).toHaveLength(sids.length * 2);
    for (const id of ids) {
      const { message, events } = await stateOf(id);
      expect(message.status).toBe("delivered");
      expect(events.map((e) => e.status).sort()).toEqual(["delivered", "sent"]);
      expect(events.find((e) => e.status === "delivered")!.applied).toBe(true);
    }
  });

  it("keeps two callbacks that reach the same message (by id and by SID) out of one statement", async () => {
    const sid = newSid();
    const { id } = await createMessage(handle.db, userId, { status: "sending" });
    // The first stores the SID through our id; the second can only find the message by that SID.
    const [sent, delivered] = await Promise.all([deliver(sid, "sent", {}, id), deliver(sid, "delivered")]);
    expect(sent.result).toBe("applied");
    expect(delivered.result).toBe("applied");
    expect((await stateOf(id)).message.status).toBe("delivered");
  });

  it("fails only the callback the database refuses, not the others in its batch", async () => {
    const [good, bad] = [newSid(), newSid()];
    const { id } = await createMessage(handle.db, userId, { status: "sending", twilioSid: good });
    await createMessage(handle.db, userId, { status: "sending", twilioSid: bad });
    // PostgreSQL's jsonb cannot hold U+0000 (the webhook layer replaces it; applyStatusCallback alone does not).
    const [ok, refused] = await Promise.allSettled([deliver(good, "delivered"), deliver(bad, "delivered", { Body: "nul\u0000" })]);
    expect(ok).toMatchObject({ status: "fulfilled", value: { result: "applied" } });
    expect(refused.status).toBe("rejected");
    expect((await stateOf(id)).message.status).toBe("delivered");
  });

  it("reports callbacks for messages we never sent", async () => {
    expect((await deliver(newSid(), "delivered")).result).toBe("unknown_message");
  });
});
