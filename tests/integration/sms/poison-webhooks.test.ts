import { eq } from "drizzle-orm";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsInboundMessages, smsMessageEvents, smsMessages } from "@/db/schema";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { handleInboundWebhook, handleStatusWebhook, type TwilioWebhookDeps } from "@/server/webhooks/twilio-handlers";
import { createMessage, createUser } from "../../helpers/factories";
import { sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { recordingJobs } from "../../helpers/jobs";

const publicUrl = "https://sms.example.test";
let sidCounter = 0;
const newSid = () => `SM${(0xabc000 + ++sidCounter).toString(16).padStart(32, "0")}`;

/** A webhook POST signed the way Twilio signs it, over the public URL. */
function signed(path: string, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(SANDBOX_AUTH_TOKEN, `${publicUrl}${path}`, params);
  return new Request(`http://127.0.0.1:3000${path}`, {
    method: "POST",
    body: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
  });
}

describe.each(testDatabases())("signed webhooks with values we cannot store, on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let deps: TwilioWebhookDeps;
  let userId: string;
  beforeAll(async () => {
    handle = await database.open();
    userId = (await createUser(handle.db)).id;
    const provider = sandboxProvider();
    deps = {
      db: handle.db,
      jobs: recordingJobs(),
      provider,
      check: { publicUrl, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider },
      program: { name: "BuildOS SMS", supportUrl: `${publicUrl}/help` },
    };
  });
  afterAll(() => handle?.drop());

  async function callback(extra: Record<string, string>) {
    const sid = newSid();
    const message = await createMessage(handle.db, userId, { status: "sent", twilioSid: sid, price: "-0.00750", priceUnit: "USD" });
    const params = { MessageSid: sid, AccountSid: SANDBOX_ACCOUNT_SID, MessageStatus: "delivered", To: "+15555550100", ...extra };
    const path = `/api/webhooks/twilio/status?m=${message.id}`;
    const first = await handleStatusWebhook(deps, signed(path, params));
    // Twilio retries anything but a 2xx; a redelivery must be answered the same way.
    const again = await handleStatusWebhook(deps, signed(path, params));
    const [row] = await handle.db.select().from(smsMessages).where(eq(smsMessages.id, message.id));
    const events = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, message.id));
    return { statuses: [first.status, again.status], message: row!, events };
  }

  it("acknowledges Price=abc, applies the status, keeps the stored price and records the raw value", async () => {
    const { statuses, message, events } = await callback({ Price: "abc", PriceUnit: "USD" });
    expect(statuses).toEqual([204, 204]);
    expect(message.status).toBe("delivered");
    expect(message.price).toBe("-0.00750");
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ Price: "abc" });
  });

  it("acknowledges a price too large for its column and a made-up currency the same way", async () => {
    const { statuses, message, events } = await callback({ Price: "99999999999.5", PriceUnit: "dollars!" });
    expect(statuses).toEqual([204, 204]);
    expect(message.status).toBe("delivered");
    expect([message.price, message.priceUnit]).toEqual(["-0.00750", "USD"]);
    expect(events[0]!.payload).toMatchObject({ Price: "99999999999.5", PriceUnit: "dollars!" });
  });

  it("acknowledges ErrorCode=99999999999 without storing it", async () => {
    const { statuses, message, events } = await callback({ MessageStatus: "undelivered", ErrorCode: "99999999999" });
    expect(statuses).toEqual([204, 204]);
    expect(message.status).toBe("undelivered");
    expect(message.errorCode).toBeNull();
    expect(events[0]!.errorCode).toBeNull();
    expect(events[0]!.payload).toMatchObject({ ErrorCode: "99999999999" });
  });

  it("keeps a callback whose values hold a NUL byte", async () => {
    const { statuses, message, events } = await callback({ From: "+1500555\u00000006" });
    expect(statuses).toEqual([204, 204]);
    expect(message.status).toBe("delivered");
    expect(events[0]!.payload).toMatchObject({ From: "+1500555\uFFFD0006" });
  });

  it("answers an inbound text with a NUL byte instead of failing on every retry", async () => {
    const sid = newSid();
    const params = { MessageSid: sid, AccountSid: SANDBOX_ACCOUNT_SID, From: "+15555550177", To: "+15005550006", Body: "hi\u0000there" };
    const response = await handleInboundWebhook(deps, signed("/api/webhooks/twilio/inbound", params));
    expect(response.status).toBe(200);
    const [row] = await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, sid));
    expect(row?.body).toBe("hi\uFFFDthere");
  });

  it("answers an endless chunked body with 413 and closes the connection", async () => {
    const chunk = new TextEncoder().encode("Body=".padEnd(16 * 1024, "x"));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(chunk);
      },
    });
    const req = new Request(`http://127.0.0.1:3000/api/webhooks/twilio/status`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" },
      duplex: "half",
    } as RequestInit);
    const response = await handleStatusWebhook(deps, req);
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await response.text()).toBe("The request body is too large: at most 64 KiB is accepted here.");
  });
});
