import { createHash } from "node:crypto";
import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, SIGNATURE_HEADER, verifySignature } from "@/local/inngest-executor/signing";
import { serveApp, signedJson, TEST_KEYS, testClient } from "./harness";

// The SDK behaviour the executor relies on (see local/inngest-executor/README.md, "Protocol facts"),
// checked by calling inngest@4.24's serve() handler directly. If an SDK upgrade changes any of
// these, this file fails before the executor misbehaves.

/** The SDK's no-retry header (the protocol notes call it "no-retry"). */
const NO_RETRY = "x-inngest-no-retry";
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

// Nothing listens here: these functions never send events; the executor is not involved.
const client = testClient("facts", "http://127.0.0.1:9");
let returnsNothingCalls = 0;
const returnsNothing = client.createFunction(
  { id: "returns-nothing", triggers: [{ event: "facts/returns-nothing" }] },
  async () => {
    returnsNothingCalls++;
    return undefined;
  },
);
const functions = [
  returnsNothing,
  client.createFunction({ id: "two", triggers: [{ event: "facts/two" }] }, async ({ step }) => {
    const a = await step.run("first", () => "A");
    const b = await step.run("second", () => `${a}B`);
    return b;
  }),
  client.createFunction({ id: "sleeps", triggers: [{ event: "facts/sleeps" }] }, async ({ step }) => {
    await step.sleep("nap", "2s");
    await step.sleepUntil("until", new Date("2030-01-01T00:00:00.000Z"));
    return "woke";
  }),
  client.createFunction({ id: "waits", triggers: [{ event: "facts/waits" }] }, async ({ step }) => {
    return step.waitForEvent("approval", { event: "facts/approve", timeout: "1h", match: "data.id" });
  }),
  client.createFunction({ id: "invokes", triggers: [{ event: "facts/invokes" }] }, async ({ step }) => {
    return step.invoke("call", { function: returnsNothing, data: { hi: 1 } });
  }),
  client.createFunction({ id: "parallel", triggers: [{ event: "facts/parallel" }] }, async ({ step }) => {
    const [a, b] = await Promise.all([step.run("p1", () => "a"), step.run("p2", () => "b")]);
    return step.run("after", () => a + b);
  }),
  client.createFunction({ id: "step-throws", triggers: [{ event: "facts/step-throws" }] }, async ({ step }) => {
    await step.run("boom", () => {
      throw new Error("plain boom");
    });
  }),
  client.createFunction({ id: "step-rejects", triggers: [{ event: "facts/step-rejects" }] }, async ({ step }) => {
    await step.run("refuse", () => {
      throw new NonRetriableError("never again");
    });
  }),
  client.createFunction({ id: "step-retry-after", triggers: [{ event: "facts/step-retry-after" }] }, async ({ step }) => {
    await step.run("later", () => {
      throw new RetryAfterError("later", "30s");
    });
  }),
  client.createFunction({ id: "fn-throws", triggers: [{ event: "facts/fn-throws" }] }, async () => {
    throw new Error("outside steps");
  }),
  client.createFunction(
    {
      id: "configured",
      retries: 2,
      triggers: [{ event: "facts/configured", if: "event.data.ok == true" }, { cron: "*/5 * * * *" }],
      concurrency: 3,
      throttle: { limit: 5, period: "1m", key: "event.data.user" },
      idempotency: "event.data.id",
      priority: { run: "event.data.prio" },
      cancelOn: [{ event: "facts/cancel", match: "data.id", timeout: "1h" }],
      onFailure: async () => undefined,
    },
    async () => "configured",
  ),
];

let appUrl = "";
let closeApp: () => Promise<void> = async () => {};

beforeAll(async () => {
  const app = await serveApp(client, functions);
  appUrl = app.url;
  closeApp = app.close;
});
afterAll(() => closeApp());

type Memo = { data: unknown } | { error: unknown } | Record<string, never>;

async function call(
  fnId: string,
  options: {
    stepId?: string;
    steps?: Record<string, Memo>;
    attempt?: number;
    maxAttempts?: number;
    die?: boolean;
    data?: Record<string, unknown>;
    eventName?: string;
    /** How the request is signed: by default as the executor signs it. */
    sign?: (body: unknown) => { headers: Record<string, string>; body: string };
  } = {},
) {
  const url = new URL(appUrl);
  url.searchParams.set("fnId", `facts-${fnId}`);
  url.searchParams.set("stepId", options.stepId ?? "step");
  const steps = options.steps ?? {};
  // The SDK checks the event against the function's triggers, so each trigger is `facts/<fnId>`.
  const event = { id: "01EVENT", name: options.eventName ?? `facts/${fnId}`, data: options.data ?? {}, ts: 1 };
  const body = {
    event,
    events: [event],
    steps,
    ctx: {
      run_id: "01RUN",
      attempt: options.attempt ?? 0,
      max_attempts: options.maxAttempts ?? 4,
      disable_immediate_execution: options.die ?? false,
      use_api: false,
      stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
    },
  };
  const sign = options.sign ?? ((b: unknown) => signedJson(b, { "x-inngest-server-kind": "dev" }));
  const response = await fetch(url, { method: "POST", ...sign(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

type RawOp = { op: string; id: string; name?: string; displayName?: string; data?: unknown; opts?: Record<string, unknown> };
const opsOf = (body: unknown) => body as RawOp[];

describe("request signing (the SDK in its verifying mode, as the app runs it)", () => {
  const callCount = () => returnsNothingCalls;
  it("runs a call signed as the executor signs it, and refuses unsigned, wrongly signed and stale ones with 401", async () => {
    const before = callCount();
    expect((await call("returns-nothing")).status).toBe(200);
    expect(callCount()).toBe(before + 1);

    const unsigned = await call("returns-nothing", {
      sign: (body) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const wrongKey = await call("returns-nothing", { sign: (body) => signedJson(body, {}, { signingKey: generateSigningKey() }) });
    const stale = await call("returns-nothing", { sign: (body) => signedJson(body, {}, { nowMs: Date.now() - 6 * 60_000 }) });
    const future = await call("returns-nothing", { sign: (body) => signedJson(body, {}, { nowMs: Date.now() + 6 * 60_000 }) });
    const tampered = await call("returns-nothing", {
      sign: (body) => {
        const signed = signedJson(body);
        return { ...signed, body: signed.body.replace('"attempt":0', '"attempt":1') };
      },
    });
    for (const refused of [unsigned, wrongKey, stale, future, tampered]) expect(refused.status).toBe(401);
    expect(callCount()).toBe(before + 1);
  });

  it("signs its answers with the same key, over the raw response text", async () => {
    const url = new URL(appUrl);
    url.searchParams.set("fnId", "facts-returns-nothing");
    url.searchParams.set("stepId", "step");
    const event = { id: "01EVENT", name: "facts/returns-nothing", data: {}, ts: 1 };
    const ctx = { run_id: "01RUN", attempt: 0, max_attempts: 4, use_api: false, stack: { stack: [], current: 0 } };
    const response = await fetch(url, { method: "POST", ...signedJson({ event, events: [event], steps: {}, ctx }) });
    const text = await response.text();
    expect(verifySignature(response.headers.get(SIGNATURE_HEADER), text, TEST_KEYS.signingKey)).toBe(true);
    expect(verifySignature(response.headers.get(SIGNATURE_HEADER), text, generateSigningKey())).toBe(false);
  });

  it("refuses an unsigned in-band sync with 401", async () => {
    const response = await fetch(appUrl, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
      body: JSON.stringify({ url: appUrl }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-inngest-sync-kind")).toBeNull();
  });
});

describe("sync", () => {
  it("answers an in-band PUT with the whole config, and needs the url", async () => {
    const response = await fetch(appUrl, {
      method: "PUT",
      ...signedJson({ url: appUrl }, { "x-inngest-sync-kind": "in_band", "x-inngest-server-kind": "dev" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-inngest-sync-kind")).toBe("in_band");
    const body = (await response.json()) as { app_id: string; functions: Record<string, unknown>[] };
    expect(body.app_id).toBe("facts");

    const two = body.functions.find((fn) => fn.id === "facts-two");
    expect(two).toMatchObject({ name: "two", triggers: [{ event: "facts/two" }] });
    const stepUrl = new URL((two?.steps as { step: { runtime: { url: string } } }).step.runtime.url);
    expect([stepUrl.searchParams.get("fnId"), stepUrl.searchParams.get("stepId")]).toEqual(["facts-two", "step"]);

    const configured = body.functions.find((fn) => fn.id === "facts-configured");
    expect(configured).toMatchObject({
      triggers: [{ event: "facts/configured", expression: "event.data.ok == true" }, { cron: "*/5 * * * *" }],
      steps: { step: { retries: { attempts: 2 } } }, // the value is RETRIES, not attempts
      concurrency: 3,
      throttle: { limit: 5, period: "1m", key: "event.data.user" },
      idempotency: "event.data.id",
      priority: { run: "event.data.prio" },
      cancel: [{ event: "facts/cancel", timeout: "1h", if: "event.data.id == async.data.id" }],
    });
    const failure = body.functions.find((fn) => fn.id === "facts-configured-failure");
    expect(failure).toMatchObject({
      triggers: [{ event: "inngest/function.failed", expression: "event.data.function_id == 'facts-configured'" }],
      steps: { step: { retries: { attempts: 1 } } },
    });

    const withoutUrl = await fetch(appUrl, { method: "PUT", ...signedJson({}, { "x-inngest-sync-kind": "in_band" }) });
    expect(withoutUrl.status).toBe(400);
  });
});

describe("call requests (async mode: no fn_id/qi_id in ctx)", () => {
  it("runs one step per call, ids are sha1 of the step id, 206 + req-version 2", async () => {
    const first = await call("two");
    expect(first.status).toBe(206);
    expect(first.headers.get("x-inngest-req-version")).toBe("2");
    expect(first.headers.get(NO_RETRY)).toBeNull();
    expect(opsOf(first.body)).toEqual([expect.objectContaining({ op: "StepRun", id: sha1("first"), name: "first", data: "A" })]);

    const second = await call("two", { steps: { [sha1("first")]: { data: "A" } } });
    expect(opsOf(second.body)).toEqual([expect.objectContaining({ op: "StepRun", id: sha1("second"), data: "AB" })]);

    const done = await call("two", { steps: { [sha1("first")]: { data: "A" }, [sha1("second")]: { data: "AB" } } });
    expect(done.status).toBe(200);
    expect(done.body).toBe("AB");
  });

  it("rejects a call whose event matches none of the function's triggers", async () => {
    const wrong = await call("two", { eventName: "facts/unrelated" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ name: "EventValidationError" });
  });

  it("answers 200 with null when the function returns undefined", async () => {
    const done = await call("returns-nothing");
    expect(done.status).toBe(200);
    expect(done.body).toBeNull();
  });

  it("puts the sleep duration or date in `name`, and accepts {data:null} as a finished sleep", async () => {
    const nap = await call("sleeps");
    expect(opsOf(nap.body)).toEqual([
      expect.objectContaining({ op: "Sleep", id: sha1("nap"), displayName: "nap", name: "2s", opts: {} }),
    ]);
    const until = await call("sleeps", { steps: { [sha1("nap")]: { data: null } } });
    expect(opsOf(until.body)).toEqual([
      expect.objectContaining({ op: "Sleep", id: sha1("until"), name: "2030-01-01T00:00:00.000Z" }),
    ]);
    const done = await call("sleeps", { steps: { [sha1("nap")]: { data: null }, [sha1("until")]: { data: null } } });
    expect([done.status, done.body]).toEqual([200, "woke"]);
  });

  it("fails the run on a {} memo (so the executor must never send one)", async () => {
    const broken = await call("sleeps", { steps: { [sha1("nap")]: {} } });
    expect(broken.status).toBe(400);
  });

  it("describes waitForEvent with the event in `name` and opts.if/timeout", async () => {
    const wait = await call("waits");
    expect(opsOf(wait.body)).toEqual([
      expect.objectContaining({
        op: "WaitForEvent",
        id: sha1("approval"),
        name: "facts/approve",
        opts: expect.objectContaining({ timeout: "1h", if: "event.data.id == async.data.id" }),
      }),
    ]);
    const timedOut = await call("waits", { steps: { [sha1("approval")]: { data: null } } });
    expect([timedOut.status, timedOut.body]).toEqual([200, null]);
    const matched = await call("waits", { steps: { [sha1("approval")]: { data: { name: "facts/approve", data: { id: 1 } } } } });
    expect(matched.body).toEqual({ name: "facts/approve", data: { id: 1 } });
  });

  it("describes invoke with opts.function_id and payload.data", async () => {
    const invoke = await call("invokes");
    expect(opsOf(invoke.body)).toEqual([
      expect.objectContaining({
        op: "InvokeFunction",
        id: sha1("call"),
        opts: expect.objectContaining({ function_id: "facts-returns-nothing", payload: expect.objectContaining({ data: { hi: 1 } }) }),
      }),
    ]);
    const failed = await call("invokes", { steps: { [sha1("call")]: { error: { name: "Error", message: "child failed" } } } });
    expect(failed.status).toBe(400);
  });

  it("plans parallel steps, and keeps planning (not running) when disable_immediate_execution is set", async () => {
    const plan = await call("parallel");
    expect(opsOf(plan.body).map((op) => [op.op, op.id])).toEqual([
      ["StepPlanned", sha1("p1")],
      ["StepPlanned", sha1("p2")],
    ]);
    const p1 = await call("parallel", { stepId: sha1("p1"), die: true });
    expect(opsOf(p1.body)).toEqual([expect.objectContaining({ op: "StepRun", id: sha1("p1"), data: "a" })]);
    const joined = { [sha1("p1")]: { data: "a" }, [sha1("p2")]: { data: "b" } };
    const next = await call("parallel", { steps: joined, die: true });
    expect(opsOf(next.body).map((op) => op.op)).toEqual(["StepPlanned"]);
    const immediate = await call("parallel", { steps: joined, die: false });
    expect(opsOf(immediate.body)).toEqual([expect.objectContaining({ op: "StepRun", data: "ab" })]);
  });
});

describe("errors", () => {
  it("reports StepError (x-inngest-no-retry: false) before the last attempt, StepFailed (true) on it", async () => {
    const early = await call("step-throws", { attempt: 0, maxAttempts: 4 });
    expect(early.status).toBe(206);
    expect(early.headers.get(NO_RETRY)).toBe("false");
    expect(opsOf(early.body)).toEqual([
      expect.objectContaining({ op: "StepError", id: sha1("boom"), error: expect.objectContaining({ message: "plain boom" }) }),
    ]);
    const last = await call("step-throws", { attempt: 3, maxAttempts: 4 });
    expect(last.headers.get(NO_RETRY)).toBe("true");
    expect(opsOf(last.body)).toEqual([expect.objectContaining({ op: "StepFailed", id: sha1("boom") })]);

    // After StepFailed the executor memoizes the error and rediscovers: the run fails with a 400.
    const rediscovered = await call("step-throws", {
      steps: { [sha1("boom")]: { error: { name: "Error", message: "plain boom" } } },
    });
    expect(rediscovered.status).toBe(400);
    expect(rediscovered.headers.get(NO_RETRY)).toBe("true");
    expect(rediscovered.body).toMatchObject({ message: "plain boom" });
  });

  it("reports NonRetriableError as StepFailed on the first attempt", async () => {
    const refused = await call("step-rejects", { attempt: 0 });
    expect(refused.headers.get(NO_RETRY)).toBe("true");
    expect(opsOf(refused.body)).toEqual([expect.objectContaining({ op: "StepFailed", id: sha1("refuse") })]);
  });

  it("sends Retry-After in whole seconds for RetryAfterError", async () => {
    const later = await call("step-retry-after", { attempt: 0 });
    expect(later.headers.get("retry-after")).toBe("30");
    expect(opsOf(later.body)[0]?.op).toBe("StepError");
  });

  it("answers 500 (retry) for errors outside steps, and 400 no-retry on the final attempt", async () => {
    const early = await call("fn-throws", { attempt: 0, maxAttempts: 2 });
    expect([early.status, early.headers.get(NO_RETRY)]).toEqual([500, "false"]);
    expect(early.body).toMatchObject({ name: "Error", message: "outside steps" });
    const last = await call("fn-throws", { attempt: 1, maxAttempts: 2 });
    expect([last.status, last.headers.get(NO_RETRY)]).toEqual([400, "true"]);
  });
});
