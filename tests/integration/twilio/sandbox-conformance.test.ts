/**
 * The local Twilio sandbox, driven only through the official `twilio` SDK: through our
 * provider (createTwilioProvider with sandboxUrl) and through a plain SDK client whose
 * HTTP client only swaps the origin, so the SDK's own parsing and RestException apply.
 */
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTwilioSandbox,
  SANDBOX_FROM_NUMBER,
  SANDBOX_MESSAGING_SERVICE_SID,
  SANDBOX_VERIFY_SERVICE_SID,
} from "@/local/twilio-sandbox";
import { createTwilioProvider, ProviderError, type SmsProvider, type TwilioProviderConfig } from "@/server/sms/provider";
import {
  SANDBOX_ACCOUNT_SID,
  SANDBOX_API_KEY_SECRET,
  SANDBOX_API_KEY_SID,
  SANDBOX_AUTH_TOKEN,
} from "../../helpers/sandbox-account";
import { closedPortUrl, startReceiver, type Receiver, type ReceivedRequest } from "./receiver";
import { rawSdkClient } from "./sdk-client";

const MINUTE = 60_000;
const USER = "+15551230001";
const OTHER_USER = "+15551230002";

let clockOffsetMs = 0;
const sandbox = createTwilioSandbox({
  accountSid: SANDBOX_ACCOUNT_SID,
  authToken: SANDBOX_AUTH_TOKEN,
  apiKeys: [{ sid: SANDBOX_API_KEY_SID, secret: SANDBOX_API_KEY_SECRET }],
  now: () => new Date(Date.now() + clockOffsetMs),
  deliveryDelayMs: 15,
  callbackRetryDelayMs: 10,
  log: () => undefined,
});

let serviceProvider: SmsProvider;
let fromProvider: SmsProvider;
let raw: ReturnType<typeof rawSdkClient>;
const receivers: Receiver[] = [];

function providerConfig(overrides: Partial<TwilioProviderConfig> = {}): TwilioProviderConfig {
  return {
    accountSid: SANDBOX_ACCOUNT_SID,
    authToken: SANDBOX_AUTH_TOKEN,
    messagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID,
    verifyServiceSid: SANDBOX_VERIFY_SERVICE_SID,
    sandboxUrl: sandbox.url,
    timeoutMs: 5000,
    ...overrides,
  };
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof ProviderError)) throw new Error(`expected ProviderError, got ${String(error)}`);
  return error;
}

async function restException(promise: Promise<unknown>): Promise<InstanceType<typeof twilio.RestException>> {
  const error = await rejectionOf(promise);
  if (!(error instanceof twilio.RestException)) throw new Error(`expected RestException, got ${String(error)}`);
  return error;
}

async function sandboxApi(path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

function statuses(requests: ReceivedRequest[]): string[] {
  return requests.map((r) => r.params.MessageStatus ?? "?");
}

/** Waits on the sandbox's own record of a message; fails if it never gets there. */
async function messageReaches(sid: string, wanted: string[], timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status: string | undefined;
  while (Date.now() < deadline) {
    status = sandbox.snapshot().messages.find((m) => m.sid === sid)?.status;
    if (status !== undefined && wanted.includes(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`message ${sid} did not reach ${wanted.join("/")} within ${timeoutMs} ms (last: ${String(status)})`);
}

const hasFinalStatus = (requests: ReceivedRequest[]) =>
  requests.some((r) => ["delivered", "undelivered", "failed"].includes(r.params.MessageStatus ?? ""));

beforeAll(async () => {
  await sandbox.start();
  serviceProvider = createTwilioProvider(providerConfig());
  fromProvider = createTwilioProvider(providerConfig({ messagingServiceSid: undefined, fromNumber: SANDBOX_FROM_NUMBER }));
  raw = rawSdkClient(sandbox.url, SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
  clockOffsetMs = 0;
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe("messages: create and fetch", () => {
  it("creates through the Messaging Service as accepted, sender and segments assigned later", async () => {
    const sent = await serviceProvider.send({ to: USER, body: "Task due at 5pm" });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent).toMatchObject({
      status: "accepted",
      direction: "outbound-api",
      to: USER,
      from: null,
      messagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID,
      numSegments: 0,
      price: null,
      errorCode: null,
    });
    expect(sent.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs((sent.dateCreated?.getTime() ?? 0) - Date.now())).toBeLessThan(5000);

    const message = await raw.messages(sent.sid).fetch();
    expect(message.accountSid).toBe(SANDBOX_ACCOUNT_SID);
    expect(message.apiVersion).toBe("2010-04-01");
    expect(message.uri).toBe(`/2010-04-01/Accounts/${SANDBOX_ACCOUNT_SID}/Messages/${sent.sid}.json`);
  });

  it("creates From a number as queued, with segments and encoding computed like Twilio", async () => {
    const gsm = await fromProvider.send({ to: USER, body: "a".repeat(160) });
    expect(gsm).toMatchObject({ status: "queued", from: SANDBOX_FROM_NUMBER, numSegments: 1, messagingServiceSid: null });

    const gsmTwoSegments = await fromProvider.send({ to: USER, body: `${"a".repeat(159)}€` }); // € takes two septets
    expect(gsmTwoSegments.numSegments).toBe(2);

    const ucs2 = await fromProvider.send({ to: USER, body: `${"a".repeat(69)}😀` }); // one emoji makes it all UCS-2
    expect(ucs2.numSegments).toBe(2);
    expect(sandbox.state.messages.get(ucs2.sid)?.encoding).toBe("UCS-2");
    expect(sandbox.state.messages.get(gsmTwoSegments.sid)?.encoding).toBe("GSM-7");
  });

  it("answers 404 / 20404 for an unknown message", async () => {
    const error = await providerError(serviceProvider.fetch(`SM${"0".repeat(32)}`));
    expect(error).toMatchObject({ kind: "permanent", code: 20404, httpStatus: 404 });

    const rest = await restException(raw.messages(`SM${"0".repeat(32)}`).fetch());
    expect(rest.status).toBe(404);
    expect(rest.moreInfo).toBe("https://www.twilio.com/docs/errors/20404");
  });
});

describe("messages: validation and magic numbers", () => {
  it.each([
    ["+15005550001", 21211],
    ["+15005550002", 21612],
    ["+15005550003", 21408],
    ["+15005550004", 21610],
    ["+15005550009", 21614],
    ["12345", 21211],
  ])("To %s is refused with %i as a permanent error, nothing created", async (to, code) => {
    const rest = await restException(raw.messages.create({ to, from: SANDBOX_FROM_NUMBER, body: "hi" }));
    expect(rest.status).toBe(400);
    expect(rest.code).toBe(code);
    expect(rest.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
    expect(rest.message.length).toBeGreaterThan(0);

    const error = await providerError(serviceProvider.send({ to, body: "hi" }));
    expect(error).toMatchObject({ kind: "permanent", code, httpStatus: 400 });
    expect(sandbox.state.messages.size).toBe(0);
  });

  it("validates body, sender and service like Twilio", async () => {
    const cases: [Promise<unknown>, number][] = [
      [raw.messages.create({ to: USER, from: SANDBOX_FROM_NUMBER }), 21602],
      [raw.messages.create({ to: USER, from: SANDBOX_FROM_NUMBER, body: "x".repeat(1601) }), 21617],
      [raw.messages.create({ to: "", from: SANDBOX_FROM_NUMBER, body: "hi" }), 21604],
      [raw.messages.create({ to: USER, body: "hi" }), 21603],
      [raw.messages.create({ to: USER, from: "+15557654321", body: "hi" }), 21606],
      [raw.messages.create({ to: USER, from: "+15005550001", body: "hi" }), 21212],
      [raw.messages.create({ to: USER, messagingServiceSid: `MG${"1".repeat(32)}`, body: "hi" }), 21705],
    ];
    for (const [call, code] of cases) {
      const rest = await restException(call);
      expect({ code: rest.code, status: rest.status }).toEqual({ code, status: 400 });
    }
    const longest = await raw.messages.create({ to: USER, from: SANDBOX_FROM_NUMBER, body: "x".repeat(1600) });
    expect(longest.numSegments).toBe("11");
  });

  it.each([
    ["+15005550030", "undelivered", 30003],
    ["+15005550060", "failed", 30006],
    ["+15005550070", "undelivered", 30007],
  ])("To %s is accepted, then ends %s with %i", async (to, finalStatus, errorCode) => {
    const callbacks = await receiver();
    const sent = await serviceProvider.send({ to, body: "hi", statusCallbackUrl: `${callbacks.url}/status` });
    expect(sent.status).toBe("accepted");

    const requests = await callbacks.waitFor(hasFinalStatus);
    const final = requests.find((r) => r.params.MessageStatus === finalStatus);
    expect(final?.params.ErrorCode).toBe(String(errorCode));
    const parsed = serviceProvider.parseStatusCallback(final?.params ?? {});
    expect(parsed).toMatchObject({ status: finalStatus, errorCode, messageSid: sent.sid });
    expect(parsed.errorReason).toBeTruthy();

    const fetched = await serviceProvider.fetch(sent.sid);
    expect(fetched).toMatchObject({ status: finalStatus, errorCode });
    expect(fetched.errorMessage).toBeTruthy();
    if (finalStatus === "failed") expect(statuses(requests)).not.toContain("sent");
  });
});

describe("messages: list", () => {
  it("filters by recipient and DateSent, newest first", async () => {
    clockOffsetMs = -2 * 24 * 60 * MINUTE;
    const old = await fromProvider.send({ to: USER, body: "two days ago" });
    clockOffsetMs = 0;
    const recent = await fromProvider.send({ to: USER, body: "now" });
    await fromProvider.send({ to: OTHER_USER, body: "someone else" });

    const all = await serviceProvider.listByRecipient(USER);
    expect(all.map((m) => m.sid)).toEqual([recent.sid, old.sid]);

    const sinceYesterday = await serviceProvider.listByRecipient(USER, { sentAfter: new Date(Date.now() - 24 * 60 * MINUTE) });
    expect(sinceYesterday.map((m) => m.sid)).toEqual([recent.sid]);

    const before = await raw.messages.list({ to: USER, dateSentBefore: new Date(Date.now() - 24 * 60 * MINUTE) });
    expect(before.map((m) => m.sid)).toEqual([old.sid]);

    const fromOurNumber = await raw.messages.list({ from: SANDBOX_FROM_NUMBER });
    expect(fromOurNumber).toHaveLength(3);
  });

  it("pages with Twilio's paging fields and the SDK follows next_page_uri", async () => {
    for (let i = 0; i < 5; i++) await fromProvider.send({ to: USER, body: `message ${i}` });

    const first = await raw.messages.page({ to: USER, pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    expect(first.nextPageUrl).toContain("Page=1");
    expect(first.nextPageUrl).toContain("PageToken=PA");

    const everything = await raw.messages.list({ to: USER, pageSize: 2 });
    expect(everything).toHaveLength(5);
    expect(new Set(everything.map((m) => m.sid)).size).toBe(5);

    expect(await serviceProvider.listByRecipient(USER, { limit: 3 })).toHaveLength(3);
  });
});

describe("scheduling", () => {
  it("schedules through the Messaging Service and cancels while scheduled only", async () => {
    const sendAt = new Date(Date.now() + 60 * MINUTE);
    const scheduled = await serviceProvider.send({ to: USER, body: "later", sendAt });
    expect(scheduled).toMatchObject({ status: "scheduled", dateSent: null, numSegments: 0 });

    const canceled = await serviceProvider.cancelScheduled(scheduled.sid);
    expect(canceled.status).toBe("canceled");

    const again = await providerError(serviceProvider.cancelScheduled(scheduled.sid));
    expect(again).toMatchObject({ kind: "permanent", code: 30409 });

    const sentNow = await fromProvider.send({ to: USER, body: "now" });
    expect((await providerError(serviceProvider.cancelScheduled(sentNow.sid))).code).toBe(30409);
  });

  it("refuses send times outside 15 minutes..35 days, without a service, or without SendAt", async () => {
    const tooSoon = await providerError(serviceProvider.send({ to: USER, body: "x", sendAt: new Date(Date.now() + 5 * MINUTE) }));
    expect(tooSoon).toMatchObject({ kind: "permanent", code: 35114 });

    const tooLate = await providerError(
      serviceProvider.send({ to: USER, body: "x", sendAt: new Date(Date.now() + 36 * 24 * 60 * MINUTE) }),
    );
    expect(tooLate.code).toBe(35114);

    const noService = await providerError(fromProvider.send({ to: USER, body: "x", sendAt: new Date(Date.now() + 60 * MINUTE) }));
    expect(noService.code).toBe(35118);

    const noSendAt = await restException(
      raw.messages.create({ to: USER, body: "x", messagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID, scheduleType: "fixed" }),
    );
    expect(noSendAt.code).toBe(35111);
    expect(sandbox.state.messages.size).toBe(0);
  });

  it("sends a scheduled message when the sandbox clock reaches SendAt", async () => {
    const callbacks = await receiver();
    const scheduled = await serviceProvider.send({
      to: USER,
      body: "later",
      sendAt: new Date(Date.now() + 60 * MINUTE),
      statusCallbackUrl: `${callbacks.url}/status`,
    });
    const advanced = await sandboxApi("/__sandbox/clock/advance", { ms: 61 * MINUTE });
    expect(advanced.status).toBe(200);

    const requests = await callbacks.waitFor(hasFinalStatus);
    expect(statuses(requests)).toEqual(["queued", "sending", "sent", "delivered"]);
    const fetched = await serviceProvider.fetch(scheduled.sid);
    expect(fetched.status).toBe("delivered");
    expect(fetched.from).toBe(SANDBOX_FROM_NUMBER);
  });
});

describe("status lifecycle and signed callbacks", () => {
  it("walks accepted → queued → sending → sent → delivered with callbacks signed like Twilio", async () => {
    const callbacks = await receiver();
    const callbackUrl = `${callbacks.url}/api/webhooks/twilio/status?tenant=a%20b`;
    const sent = await serviceProvider.send({ to: USER, body: "Reminder", statusCallbackUrl: callbackUrl });

    const requests = await callbacks.waitFor(hasFinalStatus);
    expect(statuses(requests)).toEqual(["queued", "sending", "sent", "delivered"]);
    for (const request of requests) {
      const signature = String(request.headers["x-twilio-signature"]);
      expect(request.url).toBe(callbackUrl);
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(twilio.validateRequest(SANDBOX_AUTH_TOKEN, signature, request.url, request.params)).toBe(true);
      expect(serviceProvider.verifySignature({ url: request.url, params: request.params, signature })).toBe(true);
      expect(serviceProvider.verifySignature({ url: request.url, params: { ...request.params, To: OTHER_USER }, signature })).toBe(false);
      expect(twilio.validateRequest("0".repeat(32), signature, request.url, request.params)).toBe(false);
    }

    const delivered = requests.at(-1)?.params ?? {};
    expect(delivered).toMatchObject({
      MessageSid: sent.sid,
      SmsSid: sent.sid,
      AccountSid: SANDBOX_ACCOUNT_SID,
      MessagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID,
      From: SANDBOX_FROM_NUMBER,
      To: USER,
      MessageStatus: "delivered",
      SmsStatus: "delivered",
      ApiVersion: "2010-04-01",
    });
    expect(delivered.RawDlrDoneDate).toMatch(/^\d{10}$/);
    expect(delivered.ErrorCode).toBeUndefined();
    expect(serviceProvider.parseStatusCallback(delivered)).toMatchObject({ status: "delivered", errorCode: null });

    const fetched = await serviceProvider.fetch(sent.sid);
    expect(fetched).toMatchObject({ status: "delivered", price: "-0.00790", priceUnit: "USD", numSegments: 1 });
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it("retries a callback answered with 5xx and records every attempt", async () => {
    const callbacks = await receiver((_req, index) => ({ status: index < 2 ? 503 : 204 }));
    await fromProvider.send({ to: USER, body: "hi", statusCallbackUrl: `${callbacks.url}/status` });
    await callbacks.waitFor(hasFinalStatus);
    await sandbox.callbacksIdle();

    const sendingAttempts = sandbox.state.callbackAttempts.filter((a) => a.messageStatus === "sending");
    expect(sendingAttempts.map((a) => [a.attempt, a.httpStatus])).toEqual([
      [1, 503],
      [2, 503],
      [3, 204],
    ]);
    expect(statuses(callbacks.requests)).toEqual(["sending", "sending", "sending", "sent", "delivered"]);
  });

  it("retries on connection errors and gives up after the configured attempts", async () => {
    const unreachable = await closedPortUrl();
    const sent = await fromProvider.send({ to: USER, body: "hi", statusCallbackUrl: `${unreachable}/status` });
    await messageReaches(sent.sid, ["delivered"]); // every status change, so every callback, is queued
    await sandbox.callbacksIdle(); // and now delivered or given up

    const attempts = sandbox.state.callbackAttempts.filter((a) => a.messageStatus === "sending");
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts.every((a) => a.httpStatus === null && (a.error ?? "").length > 0)).toBe(true);
  });
});

describe("opt-out through inbound keywords", () => {
  it("STOP makes creates fail with 21610 until START; the app's TwiML reply is recorded", async () => {
    const inbound = await receiver((req) => ({
      status: 200,
      contentType: "text/xml",
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Message>BuildOS: you got "${req.params.Body}" &amp; more</Message></Response>`,
    }));
    const webhookUrl = `${inbound.url}/api/webhooks/twilio/inbound`;

    const stop = await sandboxApi("/__sandbox/inbound", { from: USER, body: " stop ", url: webhookUrl });
    expect(stop.status).toBe(200);
    expect(stop.json).toMatchObject({ optOutType: "STOP", responseStatus: 200, replies: ['BuildOS: you got " stop " & more'] });

    const [request] = inbound.requests;
    expect(request?.params).toMatchObject({
      AccountSid: SANDBOX_ACCOUNT_SID,
      MessagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID,
      From: USER,
      To: SANDBOX_FROM_NUMBER,
      Body: " stop ",
      NumMedia: "0",
      NumSegments: "1",
      SmsStatus: "received",
    });
    expect(request?.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(
      serviceProvider.verifySignature({
        url: request?.url ?? "",
        params: request?.params ?? {},
        signature: String(request?.headers["x-twilio-signature"]),
      }),
    ).toBe(true);

    const optedOut = await providerError(serviceProvider.send({ to: USER, body: "reminder" }));
    expect(optedOut).toMatchObject({ kind: "permanent", code: 21610 });
    expect(sandbox.snapshot().optedOut).toEqual([USER]);

    const start = await sandbox.simulateInbound({ from: USER, body: "START", url: webhookUrl });
    expect(start.optOutType).toBe("START");
    const sent = await serviceProvider.send({ to: USER, body: "reminder" });
    expect(sent.status).toBe("accepted");

    const replies = [...sandbox.state.messages.values()].filter((m) => m.direction === "outbound-reply");
    expect(replies.map((m) => m.to)).toEqual([USER, USER]);
  });
});

describe("Verify v2", () => {
  async function codeFor(to: string): Promise<string> {
    const { status, json } = await sandboxApi(`/__sandbox/verifications/code?to=${encodeURIComponent(to)}`);
    expect(status).toBe(200);
    const code = (json as { code?: unknown }).code;
    if (typeof code !== "string") throw new Error("no code");
    return code;
  }

  it("starts, re-sends within the pending verification, rejects a wrong code, approves the right one", async () => {
    const first = await serviceProvider.startVerification(USER);
    expect(first.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(first).toMatchObject({ status: "pending", sendCodeAttempts: 1 });

    const second = await serviceProvider.startVerification(USER);
    expect(second).toMatchObject({ sid: first.sid, sendCodeAttempts: 2 });

    const code = await codeFor(USER);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === "000000" ? "111111" : "000000";
    expect(await serviceProvider.checkVerification(USER, wrong)).toEqual({ approved: false, status: "pending" });
    expect(await serviceProvider.checkVerification(USER, code)).toEqual({ approved: true, status: "approved" });
    // Approved is no longer pending: Twilio answers 404.
    expect(await serviceProvider.checkVerification(USER, code)).toEqual({ approved: false, status: "not_found" });

    const check = await restException(raw.verify.v2.services(SANDBOX_VERIFY_SERVICE_SID).verificationChecks.create({ to: USER, code }));
    expect({ status: check.status, code: check.code }).toEqual({ status: 404, code: 20404 });
  });

  it("allows 5 sends and 5 checks, then 429 with 60203 / 60202", async () => {
    for (let i = 1; i <= 5; i++) expect((await serviceProvider.startVerification(USER)).sendCodeAttempts).toBe(i);
    const sixthSend = await providerError(serviceProvider.startVerification(USER));
    expect(sixthSend).toMatchObject({ httpStatus: 429, code: 60203, kind: "permanent" });

    const code = await codeFor(USER);
    for (let i = 0; i < 5; i++) expect((await serviceProvider.checkVerification(USER, "999999x")).status).toBe("pending");
    expect(await serviceProvider.checkVerification(USER, code)).toEqual({ approved: false, status: "max_attempts_reached" });

    const rest = await restException(
      raw.verify.v2.services(SANDBOX_VERIFY_SERVICE_SID).verificationChecks.create({ to: USER, code }),
    );
    expect({ status: rest.status, code: rest.code }).toEqual({ status: 429, code: 60202 });
  });

  it("expires codes after 10 minutes on the injected clock", async () => {
    const first = await serviceProvider.startVerification(USER);
    const code = await codeFor(USER);
    clockOffsetMs = 10 * MINUTE + 1000;
    expect(await serviceProvider.checkVerification(USER, code)).toEqual({ approved: false, status: "not_found" });

    const fresh = await serviceProvider.startVerification(USER);
    expect(fresh.sid).not.toBe(first.sid);
    expect(fresh.sendCodeAttempts).toBe(1);
  });

  it("answers 404 for a check with nothing pending and for an unknown service", async () => {
    expect(await serviceProvider.checkVerification(OTHER_USER, "123456")).toEqual({ approved: false, status: "not_found" });
    const unknownService = createTwilioProvider(providerConfig({ verifyServiceSid: `VA${"2".repeat(32)}` }));
    expect(await providerError(unknownService.startVerification(USER))).toMatchObject({ code: 20404, httpStatus: 404 });
  });
});

describe("authentication", () => {
  it("answers 401 / 20003 to a wrong token, a wrong API key secret and another account's path", async () => {
    const wrongToken = await restException(rawSdkClient(sandbox.url, SANDBOX_ACCOUNT_SID, "x".repeat(32)).messages.list());
    expect({ status: wrongToken.status, code: wrongToken.code }).toEqual({ status: 401, code: 20003 });

    const wrongSecret = await restException(
      rawSdkClient(sandbox.url, SANDBOX_API_KEY_SID, "nope", SANDBOX_ACCOUNT_SID).messages.list(),
    );
    expect(wrongSecret.status).toBe(401);

    const otherAccount = await restException(
      rawSdkClient(sandbox.url, SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, `AC${"3".repeat(32)}`).messages.list(),
    );
    expect(otherAccount.code).toBe(20003);

    const viaProvider = await providerError(
      createTwilioProvider(providerConfig({ authToken: "y".repeat(32) })).send({ to: USER, body: "hi" }),
    );
    expect(viaProvider).toMatchObject({ kind: "permanent", code: 20003, httpStatus: 401 });
    expect(sandbox.state.messages.size).toBe(0);
  });

  it("accepts an API key for REST while webhooks stay signed with the auth token", async () => {
    const keyed = createTwilioProvider(
      providerConfig({ apiKeySid: SANDBOX_API_KEY_SID, apiKeySecret: SANDBOX_API_KEY_SECRET }),
    );
    const callbacks = await receiver();
    const sent = await keyed.send({ to: USER, body: "hi", statusCallbackUrl: `${callbacks.url}/s` });
    expect(sent.sid).toMatch(/^SM/);
    const [request] = await callbacks.waitFor((r) => r.length > 0);
    const signature = String(request?.headers["x-twilio-signature"]);
    expect(keyed.verifySignature({ url: request?.url ?? "", params: request?.params ?? {}, signature })).toBe(true);

    const keyOnly = createTwilioProvider(
      providerConfig({ authToken: undefined, apiKeySid: SANDBOX_API_KEY_SID, apiKeySecret: SANDBOX_API_KEY_SECRET }),
    );
    expect(() => keyOnly.verifySignature({ url: "http://x", params: {}, signature: "sig" })).toThrow(/authToken/);
  });
});

describe("fault injection", () => {
  it("500: retryable, nothing created; the next create succeeds", async () => {
    sandbox.setFaults({ serverErrors: 1 });
    const error = await providerError(serviceProvider.send({ to: USER, body: "hi" }));
    expect(error).toMatchObject({ kind: "retryable", httpStatus: 500, code: 20500 });
    expect(sandbox.state.messages.size).toBe(0);

    await serviceProvider.send({ to: USER, body: "hi" });
    expect(sandbox.state.messages.size).toBe(1);
  });

  it("429 with Retry-After: retryable with retryAfterMs", async () => {
    const set = await sandboxApi("/__sandbox/faults", { rateLimits: 1, retryAfterSeconds: 7 });
    expect(set.status).toBe(200);
    const error = await providerError(serviceProvider.send({ to: USER, body: "hi" }));
    expect(error).toMatchObject({ kind: "retryable", httpStatus: 429, code: 20429, retryAfterMs: 7000 });
    expect(sandbox.state.messages.size).toBe(0);
  });

  it("dropped connection after create: ambiguous, yet the message exists and reconciliation finds it", async () => {
    sandbox.setFaults({ dropConnections: 1 });
    const error = await providerError(serviceProvider.send({ to: USER, body: "did it go?" }));
    expect(error.kind).toBe("ambiguous");
    expect(error.httpStatus).toBeUndefined();

    const created = [...sandbox.state.messages.values()];
    expect(created.map((m) => m.body)).toEqual(["did it go?"]);
    const found = await serviceProvider.listByRecipient(USER, { sentAfter: new Date(Date.now() - MINUTE) });
    expect(found.map((m) => m.sid)).toEqual([created[0]?.sid]);
  });

  it("timeout after the request reached the sandbox: ambiguous", async () => {
    sandbox.setFaults({ latencyMs: 700 });
    const impatient = createTwilioProvider(providerConfig({ timeoutMs: 200 }));
    const error = await providerError(impatient.send({ to: USER, body: "slow" }));
    expect(error.kind).toBe("ambiguous");
    expect(sandbox.state.messages.size).toBe(1);
  });

  it("connection refused: retryable", async () => {
    const down = createTwilioProvider(providerConfig({ sandboxUrl: await closedPortUrl() }));
    const error = await providerError(down.send({ to: USER, body: "hi" }));
    expect(error.kind).toBe("retryable");
    expect(error.reason).toContain("ECONNREFUSED");
  });

  it("duplicate callbacks: every status is posted twice, identically signed", async () => {
    sandbox.setFaults({ duplicateCallbacks: true });
    const callbacks = await receiver();
    await serviceProvider.send({ to: USER, body: "hi", statusCallbackUrl: `${callbacks.url}/status` });
    const requests = await callbacks.waitFor((r) => r.filter((x) => x.params.MessageStatus === "delivered").length === 2);

    expect(statuses(requests)).toEqual(["queued", "queued", "sending", "sending", "sent", "sent", "delivered", "delivered"]);
    expect(requests[0]?.headers["x-twilio-signature"]).toBe(requests[1]?.headers["x-twilio-signature"]);
    expect(sandbox.state.callbackAttempts.filter((a) => a.duplicate)).toHaveLength(4);
  });

  it("out-of-order callbacks: delivered arrives before sent", async () => {
    await sandboxApi("/__sandbox/faults", { outOfOrderCallbacks: true });
    const callbacks = await receiver();
    const sent = await serviceProvider.send({ to: USER, body: "hi", statusCallbackUrl: `${callbacks.url}/status` });
    const requests = await callbacks.waitFor((r) => r.length === 4);

    expect(statuses(requests)).toEqual(["queued", "sending", "delivered", "sent"]);
    expect((await serviceProvider.fetch(sent.sid)).status).toBe("delivered");
  });

  it("late callbacks: an earlier status arrives after the final one, for the next N messages only", async () => {
    await sandboxApi("/__sandbox/faults", { lateCallbacks: 1, lateCallbackDelayMs: 50 });
    const callbacks = await receiver();
    const first = await serviceProvider.send({ to: USER, body: "hi", statusCallbackUrl: `${callbacks.url}/status` });
    const requests = await callbacks.waitFor((r) => r.length === 5);
    expect(statuses(requests)).toEqual(["queued", "sending", "sent", "delivered", "sent"]);
    expect(requests.at(-1)?.params).toMatchObject({ MessageSid: first.sid, MessageStatus: "sent" });
    expect((await serviceProvider.fetch(first.sid)).status).toBe("delivered");
    expect(sandbox.state.faults.lateCallbacks).toBe(0);

    // Used up: the next message's callbacks end with its final status.
    const next = await serviceProvider.send({ to: USER, body: "again", statusCallbackUrl: `${callbacks.url}/status` });
    const after = await callbacks.waitFor((r) => r.some((x) => x.params.MessageSid === next.sid && x.params.MessageStatus === "delivered"));
    await sandbox.callbacksIdle();
    expect(after.filter((x) => x.params.MessageSid === next.sid).map((x) => x.params.MessageStatus)).toEqual(["queued", "sending", "sent", "delivered"]);
  });

  it("late callbacks: a text that failed in the queue gets a late `queued`", async () => {
    sandbox.setFaults({ lateCallbacks: 1, lateCallbackDelayMs: 20, validityExpiries: 1 });
    const callbacks = await receiver();
    await serviceProvider.send({ to: USER, body: "expires", validityPeriodSeconds: 300, statusCallbackUrl: `${callbacks.url}/status` });
    const requests = await callbacks.waitFor((r) => r.length === 3);
    expect(statuses(requests)).toEqual(["queued", "failed", "queued"]);
  });
});

describe("validity period", () => {
  it("takes ValidityPeriod from 1 to 36,000 seconds and refuses anything else with 90007", async () => {
    const accepted = await serviceProvider.send({ to: USER, body: "soon", validityPeriodSeconds: 36_000 });
    expect(accepted.status).toBe("accepted");
    for (const bad of [0, 36_001]) {
      const error = await providerError(serviceProvider.send({ to: USER, body: "soon", validityPeriodSeconds: bad }));
      expect(error).toMatchObject({ kind: "permanent", code: 90007, httpStatus: 400 });
    }
  });

  it("a text that outstays its validity in the sender queue fails with 30036 and is never sent", async () => {
    sandbox.setFaults({ validityExpiries: 1 });
    const callbacks = await receiver();
    const sent = await serviceProvider.send({
      to: USER,
      body: "Reminder: standup in 5 minutes",
      validityPeriodSeconds: 300,
      statusCallbackUrl: `${callbacks.url}/status`,
    });
    const requests = await callbacks.waitFor(hasFinalStatus);
    expect(statuses(requests)).toEqual(["queued", "failed"]);
    expect(requests.at(-1)?.params).toMatchObject({ MessageStatus: "failed", ErrorCode: "30036" });
    expect(serviceProvider.parseStatusCallback(requests.at(-1)?.params ?? {})).toMatchObject({ status: "failed", errorCode: 30036 });
    expect(await serviceProvider.fetch(sent.sid)).toMatchObject({ status: "failed", errorCode: 30036 });
    // Only the next create was affected.
    const next = await serviceProvider.send({ to: USER, body: "fine", statusCallbackUrl: `${callbacks.url}/status` });
    await callbacks.waitFor((r) => r.some((x) => x.params.MessageSid === next.sid && x.params.MessageStatus === "delivered"));
  });
});

describe("the sandbox's own API", () => {
  it("shows state, validates fault input and resets", async () => {
    await serviceProvider.send({ to: USER, body: "hi" });
    await serviceProvider.startVerification(OTHER_USER);

    const { status, json } = await sandboxApi("/__sandbox/state");
    expect(status).toBe(200);
    expect(json).toMatchObject({
      messages: [{ to: USER, body: "hi", encoding: "GSM-7" }],
      verifications: [{ to: OTHER_USER, status: "pending", sendAttempts: 1 }],
      optedOut: [],
      faults: { serverErrors: 0, duplicateCallbacks: false },
    });

    expect((await sandboxApi("/__sandbox/faults", { serverErrors: -1 })).status).toBe(400);
    expect((await sandboxApi("/__sandbox/faults", { noSuchFault: true })).status).toBe(400);
    expect((await sandboxApi("/__sandbox/inbound", { from: "not a number", body: "hi" })).status).toBe(400);

    expect((await sandboxApi("/__sandbox/reset", {})).status).toBe(200);
    expect(sandbox.state.messages.size).toBe(0);
    expect(sandbox.state.verifications.size).toBe(0);
  });
});
