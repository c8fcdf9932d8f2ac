import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_LIMITS } from "@/common/limits";
import { smsMessages } from "@/db/schema";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { generateSigningKey, verifySignature } from "@/local/inngest-executor/signing";
import { signedJson, TEST_KEYS, waitFor } from "../executor/harness";
import { startAppUnderTest, type AppUnderTest } from "../../helpers/app-under-test";
import { createMessage } from "../../helpers/factories";
import { createVerifiedUser } from "../../helpers/sms";

/**
 * The app's real /api/inngest route (serve() in the SDK's verifying mode, as every run uses it),
 * with the real dispatch function sending to a real sandbox and a real local executor driving it.
 * Nothing but a request signed with INNGEST_SIGNING_KEY runs a function or changes a sync.
 */
let app: AppUnderTest;
beforeAll(async () => {
  app = await startAppUnderTest({ executor: true });
});
afterAll(() => app?.close());

const FN = "buildos-sms-dispatch-message";
const FAILURE_FN = `${FN}-failure`;
const SEND_SMS_FN = "buildos-sms-send-sms";
/** The scheduled sweeps, named here (not read from the app) so a function lost from the app fails the test. */
const CRON_FNS = [
  "buildos-sms-task-reminders",
  "buildos-sms-daily-brief",
  "buildos-sms-reconcile-messages",
  "buildos-sms-recover-stranded",
  "buildos-sms-refresh-dashboard-stats",
];
let phoneCounter = 0;

async function queuedMessage() {
  const phone = `+1555555${String(1000 + phoneCounter++).padStart(4, "0")}`;
  const db = app.db.db();
  const user = await createVerifiedUser(db, phone);
  const message = await createMessage(db, user.id, { status: "queued", to: phone });
  return { id: message.id, phone };
}
const messageRow = async (id: string) => (await app.db.db().select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
const textsTo = (phone: string) => app.sandbox.snapshot().messages.filter((m: { to: string }) => m.to === phone);

function callBody(functionId: string, event: { name: string; data: Record<string, unknown> }) {
  const full = { id: `01EVT${phoneCounter}`, ts: Date.now(), ...event };
  return {
    event: full,
    events: [full],
    steps: {},
    ctx: { run_id: `01RUN${phoneCounter}`, attempt: 0, max_attempts: 7, use_api: false, stack: { stack: [], current: 0 } },
  };
}
const dispatchEvent = (messageId: string) => ({ name: dispatchMessageJob.eventName, data: { messageId } });
const failureEvent = (messageId: string) => ({
  name: "inngest/function.failed",
  data: { function_id: FN, run_id: "01RUNX", error: { name: "Error", message: "forged" }, event: dispatchEvent(messageId) },
});

async function call(functionId: string, body: unknown, sign: (body: unknown) => { headers: Record<string, string>; body: string }) {
  const url = new URL(`${app.url}/api/inngest`);
  url.searchParams.set("fnId", functionId);
  url.searchParams.set("stepId", "step");
  const response = await fetch(url, { method: "POST", ...sign(body) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const SIGNINGS: [string, (body: unknown) => { headers: Record<string, string>; body: string }][] = [
  ["unsigned", (body) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) })],
  ["signed with another key", (body) => signedJson(body, {}, { signingKey: generateSigningKey() })],
  ["replayed (timestamp 6 minutes old)", (body) => signedJson(body, {}, { nowMs: Date.now() - 6 * 60_000 })],
  ["malformed signature", (body) => ({ ...signedJson(body), headers: { "content-type": "application/json", "x-inngest-signature": "s=abc" } })],
];

describe("call requests to the real serve endpoint", () => {
  it("runs the dispatch function for a call signed with the signing key (and signs its answer)", async () => {
    const { id, phone } = await queuedMessage();
    const answer = await call(FN, callBody(FN, dispatchEvent(id)), (body) => signedJson(body));
    expect(answer.status).toBe(206);
    expect(verifySignature(answer.headers.get("x-inngest-signature"), answer.text, TEST_KEYS.signingKey)).toBe(true);
    expect((await messageRow(id)).status).not.toBe("queued");
    expect(textsTo(phone)).toHaveLength(1);
  });

  it.each(SIGNINGS)("refuses a dispatch call %s with 401 and sends nothing", async (_how, sign) => {
    const { id, phone } = await queuedMessage();
    const answer = await call(FN, callBody(FN, dispatchEvent(id)), sign);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("x-inngest-signature")).toBeNull();
    expect(await messageRow(id)).toMatchObject({ status: "queued", attemptCount: 0 });
    expect(textsTo(phone)).toHaveLength(0);
  });

  it("runs the failure handler only for a signed call", async () => {
    const signed = await queuedMessage();
    const ran = await call(FAILURE_FN, callBody(FAILURE_FN, failureEvent(signed.id)), (body) => signedJson(body));
    expect(ran.status).toBe(200);
    expect((await messageRow(signed.id)).status).toBe("failed");

    for (const [, sign] of SIGNINGS) {
      const { id } = await queuedMessage();
      expect((await call(FAILURE_FN, callBody(FAILURE_FN, failureEvent(id)), sign)).status).toBe(401);
      expect((await messageRow(id)).status).toBe("queued");
    }
  });

  it("answers an unsigned introspection GET with 401 and tells nothing about the functions", async () => {
    const response = await fetch(`${app.url}/api/inngest`);
    expect({ status: response.status, text: await response.text() }).toEqual({ status: 401, text: '{"message":"Unauthorized"}' });
  });
});

describe("sync", () => {
  type AppsView = { apps: { id: string; url: string }[]; functions: { id: string; url: string }[] };
  /** Where the executor will send calls: each app's and function's URL. */
  const executorView = async () => {
    const view = (await (await fetch(`${app.executor!.url}/v0/functions`)).json()) as AppsView;
    return {
      apps: view.apps.map(({ id, url }) => ({ id, url })),
      functions: view.functions.map(({ id, url }) => ({ id, url })).sort((a, b) => a.id.localeCompare(b.id)),
    };
  };

  it("registered every function at PUBLIC_URL through the signed sync", async () => {
    const view = await executorView();
    expect(view.apps).toEqual([{ id: "buildos-sms", url: `${app.url}/api/inngest` }]);
    expect(view.functions.map((fn) => fn.id).sort()).toEqual([FN, FAILURE_FN, SEND_SMS_FN, `${SEND_SMS_FN}-failure`, ...CRON_FNS].sort());
    for (const fn of view.functions) expect(fn.url.startsWith(`${app.url}/api/inngest?`)).toBe(true);
  });

  const FORGED = { host: "127.0.0.1:9999", "x-forwarded-host": "evil.test", "x-forwarded-proto": "https" };

  it("refuses unsigned PUTs with a forged Host (out-of-band and in-band) and changes nothing anywhere", async () => {
    const before = await executorView();
    const outOfBand = await app.raw({ method: "PUT", path: "/api/inngest", headers: FORGED });
    const inBand = await app.raw({
      method: "PUT",
      path: "/api/inngest",
      headers: { ...FORGED, "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
      body: JSON.stringify({ url: "http://127.0.0.1:9999/api/inngest" }),
    });
    expect([outOfBand.status, inBand.status]).toEqual([401, 401]);
    expect(await executorView()).toEqual(before);
  });

  it("reports PUBLIC_URL, never the request's Host, even to a signed sync", async () => {
    const before = await executorView();
    // Out-of-band: the SDK registers itself with the executor, at the configured origin.
    const signedOutOfBand = signedJson({});
    const registered = await app.raw({
      method: "PUT",
      path: "/api/inngest",
      headers: { ...FORGED, ...signedOutOfBand.headers },
      body: signedOutOfBand.body,
    });
    expect(registered.status).toBe(200);
    expect(await executorView()).toEqual(before);

    // In-band: whatever the body and Host say, every URL in the answer is at PUBLIC_URL.
    const signedInBand = signedJson({ url: "http://evil.test/api/inngest" }, { "x-inngest-sync-kind": "in_band" });
    const answer = await app.raw({
      method: "PUT",
      path: "/api/inngest",
      headers: { ...FORGED, ...signedInBand.headers },
      body: signedInBand.body,
    });
    expect(answer.status).toBe(200);
    const config = JSON.parse(answer.text) as { url: string; functions: { steps: { step: { runtime: { url: string } } } }[] };
    expect(config.url).toBe(`${app.url}/api/inngest`);
    for (const fn of config.functions) expect(fn.steps.step.runtime.url.startsWith(`${app.url}/api/inngest?`)).toBe(true);
  });
});

describe("bad bodies are refused before the SDK reads them", () => {
  const url = () => `${app.url}/api/inngest?fnId=${FN}&stepId=step`;

  it("answers 413 to a body over the bound, reading no further (an endless stream)", async () => {
    const { POST } = await import("@/app/api/inngest/route");
    const chunk = new TextEncoder().encode(`"${"x".repeat(64 * 1024)}",`);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk); // only the bound stops it
      },
    });
    const signed = signedJson({});
    const req = new Request(url(), { method: "POST", headers: signed.headers, body: endless, duplex: "half" } as RequestInit);
    const response = await POST(req);
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(BODY_LIMITS.inngestBytes + 4 * chunk.byteLength);
  });

  it("answers 413 over HTTP to a body that declares more than the bound", async () => {
    const answer = await app.raw({
      method: "POST",
      path: `/api/inngest?fnId=${FN}&stepId=step`,
      headers: { "content-type": "application/json" },
      body: `"${"x".repeat(BODY_LIMITS.inngestBytes)}"`,
    });
    expect(answer.status).toBe(413);
  });

  it.each([["not JSON", "{nope"], ["not UTF-8", "\xff\xfe"]])("answers 400, not 500, to a body that is %s", async (_what, body) => {
    const signed = signedJson({});
    const answer = await app.raw({ method: "POST", path: `/api/inngest?fnId=${FN}&stepId=step`, headers: signed.headers, body });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toMatch(/\bat \w+ \(/); // no stack trace
  });
});

describe("the local executor drives the app in this mode", () => {
  it("sends a queued message end to end: event with the event key, signed calls, status callbacks", async () => {
    const { inngest } = await import("@/inngest/client");
    const { id, phone } = await queuedMessage();
    await inngest.send(dispatchEvent(id));
    await waitFor(async () => (await messageRow(id)).status === "delivered", "message delivered");
    expect(textsTo(phone)).toHaveLength(1);
  });
});
