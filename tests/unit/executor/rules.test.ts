import { describe, expect, it } from "vitest";
import { classifyCallResponse } from "@/local/inngest-executor/app-client";
import { celKey, celMatches, celSyntaxError } from "@/local/inngest-executor/cel";
import { nextCronTime } from "@/local/inngest-executor/cron";
import {
  ConcurrencyTracker,
  concurrencyKeysFor,
  prioritySecFor,
  throttleSchedule,
} from "@/local/inngest-executor/flow-control";
import {
  defineFunction,
  eventNameMatches,
  functionConfigSchema,
  stripDeployId,
} from "@/local/inngest-executor/function-config";

const event = { id: "e1", name: "app/x", data: { user: "u1", prio: 900, ok: true }, ts: 0 };

function define(config: Record<string, unknown>) {
  return defineFunction(
    functionConfigSchema.parse({
      id: "app-fn",
      triggers: [{ event: "app/x" }],
      steps: { step: { id: "step", runtime: { type: "http", url: "http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=step&deployId=d1" } } },
      ...config,
    }),
    "app",
  );
}

describe("cel", () => {
  it("matches like Inngest: missing keys and errors are no match, absent expressions match", () => {
    expect(celMatches("event.data.ok == true", { event })).toBe(true);
    expect(celMatches("event.data.missing == true", { event })).toBe(false);
    expect(celMatches("event.data.function_id == 'app-fn'", { event: { data: { function_id: "app-fn" } } })).toBe(true);
    expect(celMatches("async.data.user == event.data.user", { event, async: { data: { user: "u1" } } })).toBe(true);
    expect(celMatches(undefined, { event })).toBe(true);
    expect(celMatches("event.data.user", { event })).toBe(false); // not a boolean
    expect(celMatches("((", { event })).toBe(false);
  });

  it("turns key expressions into strings", () => {
    expect(celKey("event.data.user", { event })).toBe("u1");
    expect(celKey("event.data.prio", { event })).toBe("900");
    expect(celKey("1 + 2", { event })).toBe("3");
    expect(celKey("event.data.nope", { event })).toBeNull();
    expect(celSyntaxError("event.data.(")).not.toBeNull();
  });
});

describe("function config", () => {
  it("derives max attempts (retries + 1, default 4) and strips deployId from the step URL", () => {
    expect(define({}).maxAttempts).toBe(4);
    const fn = define({ steps: { step: { runtime: { type: "http", url: "http://a/api?fnId=f&deployId=x" }, retries: { attempts: 0 } } } });
    expect(fn.maxAttempts).toBe(1);
    expect(stripDeployId("http://a/api?fnId=f&stepId=step&deployId=x")).toBe("http://a/api?fnId=f&stepId=step");
  });

  it("reports every option it does not implement", () => {
    const fn = define({
      batchEvents: { maxSize: 10, timeout: "5s" },
      rateLimit: { limit: 1, period: "1h" },
      debounce: { period: "5s" },
      singleton: { mode: "skip" },
      timeouts: { start: "1m" },
      concurrency: [{ limit: 1 }, { limit: 2, key: "event.data.user" }, { limit: 3 }],
      triggers: [{ cron: "not a cron" }, { cron: "*/5 * * * *", jitter: "10s" }],
    });
    expect(fn.unsupported.map((entry) => entry.option).sort()).toEqual([
      "batchEvents",
      "concurrency",
      "debounce",
      "rateLimit",
      "singleton",
      "timeouts",
      "triggers.cron",
      "triggers.cron.jitter",
    ]);
    expect(fn.concurrency).toHaveLength(2);
    expect(fn.cronTriggers).toEqual(["*/5 * * * *"]);
  });

  it("accepts the supported flow-control options without complaint", () => {
    const fn = define({
      idempotency: "event.data.user",
      throttle: { limit: 2, period: "1m", key: "event.data.user", burst: 1 },
      concurrency: 3,
      priority: { run: "event.data.prio" },
      cancel: [{ event: "app/cancel", if: "async.data.user == event.data.user", timeout: "1h" }],
    });
    expect(fn.unsupported).toEqual([]);
    expect(fn.throttle).toEqual({ limit: 2, periodMs: 60_000, key: "event.data.user", burst: 1 });
    expect(fn.concurrency).toEqual([{ limit: 3, key: null, scope: "fn" }]);
    expect(fn.cancel).toEqual([{ event: "app/cancel", if: "async.data.user == event.data.user", timeoutMs: 3_600_000 }]);
  });

  it("matches trailing-wildcard event triggers", () => {
    expect(eventNameMatches("app/user.*", "app/user.created")).toBe(true);
    expect(eventNameMatches("app/user.*", "app/order.created")).toBe(false);
    expect(eventNameMatches("app/x", "app/x")).toBe(true);
  });
});

describe("flow control", () => {
  it("spaces throttled runs period/limit apart, letting `burst` extra runs through at once", () => {
    const throttle = { limit: 2, periodMs: 10_000, burst: 0 };
    let tat: number | null = null;
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const next = throttleSchedule(tat, 0, throttle);
      starts.push(next.startAtMs);
      tat = next.tatMs;
    }
    expect(starts).toEqual([0, 5_000, 10_000]);

    tat = null;
    const bursty: number[] = [];
    for (let i = 0; i < 4; i++) {
      const next = throttleSchedule(tat, 0, { ...throttle, burst: 1 });
      bursty.push(next.startAtMs);
      tat = next.tatMs;
    }
    expect(bursty).toEqual([0, 0, 5_000, 10_000]);
    expect(throttleSchedule(tat, 60_000, throttle).startAtMs).toBe(60_000); // idle long enough: no delay
  });

  it("clamps priority to ±600 s and keys concurrency by scope", () => {
    expect(prioritySecFor(define({ priority: { run: "event.data.prio" } }), event)).toBe(600);
    expect(prioritySecFor(define({ priority: { run: "event.data.nope" } }), event)).toBe(0);
    const keys = concurrencyKeysFor(
      define({ concurrency: [{ limit: 1, key: "event.data.user" }, { limit: 5, scope: "env", key: "'all'" }] }),
      event,
    );
    expect(keys).toEqual([
      { limit: 1, key: "fn:app-fn:event.data.user:u1" },
      { limit: 5, key: "env:'all':all" },
    ]);
  });

  it("grants concurrency slots all-or-nothing", () => {
    const tracker = new ConcurrencyTracker();
    const keys = [
      { limit: 1, key: "a" },
      { limit: 2, key: "b" },
    ];
    const first = tracker.tryAcquire(keys);
    expect(first).toEqual(keys);
    expect(tracker.tryAcquire(keys)).toBeNull();
    expect(tracker.tryAcquire([{ limit: 2, key: "b" }])).not.toBeNull(); // b had room: 2 now
    expect(tracker.tryAcquire([{ limit: 2, key: "b" }])).toBeNull();
    tracker.release(keys);
    expect(tracker.tryAcquire([{ limit: 1, key: "a" }])).not.toBeNull();
    expect(tracker.tryAcquire(undefined)).toEqual([]);
  });
});

describe("call responses", () => {
  const headers = (entries: Record<string, string> = {}) => new Headers(entries);

  it("reads 200 as the return value (empty body = null) and 206 as ops", () => {
    expect(classifyCallResponse(200, headers(), '{"a":1}', 0)).toEqual({ kind: "completed", output: { a: 1 } });
    expect(classifyCallResponse(200, headers(), "", 0)).toEqual({ kind: "completed", output: null });
    const ops = classifyCallResponse(206, headers({ "retry-after": "5" }), '[{"op":"StepRun","id":"x","data":1,"extra":true}]', 0);
    expect(ops).toEqual({ kind: "ops", ops: [{ op: "StepRun", id: "x", data: 1 }], retryAtMs: 5_000 });
    expect(classifyCallResponse(206, headers(), "[]", 0)).toMatchObject({ kind: "error", retriable: true });
  });

  it("follows x-inngest-no-retry, else retries 5xx/408/429 only", () => {
    const error = JSON.stringify({ name: "Error", message: "boom", stack: "s" });
    expect(classifyCallResponse(500, headers({ "x-inngest-no-retry": "false" }), error, 0)).toMatchObject({
      kind: "error",
      retriable: true,
      error: { name: "Error", message: "boom", stack: "s" },
    });
    expect(classifyCallResponse(400, headers({ "x-inngest-no-retry": "true" }), error, 0)).toMatchObject({ retriable: false });
    expect(classifyCallResponse(500, headers({ "x-inngest-no-retry": "true" }), error, 0)).toMatchObject({ retriable: false });
    expect(classifyCallResponse(502, headers(), "bad gateway", 0)).toMatchObject({
      retriable: true,
      error: { message: "bad gateway" },
    });
    expect(classifyCallResponse(404, headers(), "", 0)).toMatchObject({ retriable: false, error: { message: "HTTP 404" } });
    expect(classifyCallResponse(429, headers({ "retry-after": "2" }), "", 1_000)).toMatchObject({ retriable: true, retryAtMs: 3_000 });
  });
});

describe("cron", () => {
  it("computes the next tick, honouring a TZ= prefix", () => {
    const now = Date.parse("2026-01-01T00:02:00Z");
    expect(nextCronTime("*/5 * * * *", now)).toBe(Date.parse("2026-01-01T00:05:00Z"));
    expect(nextCronTime("TZ=Europe/Paris 0 9 * * *", now)).toBe(Date.parse("2026-01-01T08:00:00Z"));
    expect(() => nextCronTime("nope", now)).toThrow();
  });
});
