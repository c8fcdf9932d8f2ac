import { setTimeout as sleep } from "node:timers/promises";
import { type Inngest, type InngestFunction, NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "@/local/inngest-executor";
import {
  deferred,
  executorStorages,
  fenceFunction,
  passFence,
  runsOf,
  serveApp,
  startTestExecutor,
  testClient,
  waitFor,
  waitForEndedRuns,
  waitForStep,
} from "./harness";

// Contract tests against the real SDK (inngest@4.24 serve() over HTTP): step kinds, errors and
// retries, invoke and waitForEvent. Time moves only through the executor's test clock.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(executorStorages())("step contract on $name", (storage) => {
  let executor: Executor;
  let inngest: Inngest;
  const cleanups: (() => Promise<void>)[] = [];
  const counts = new Map<string, number>();
  const bump = (key: string) => {
    const next = (counts.get(key) ?? 0) + 1;
    counts.set(key, next);
    return next;
  };
  const count = (key: string) => counts.get(key) ?? 0;

  const parallelP2Started = deferred();
  const onFailureCalls: { message: string; functionId: unknown }[] = [];

  function defineFunctions(client: Inngest) {
    return [
      client.createFunction({ id: "two-steps", triggers: [{ event: "test/two-steps" }] }, async ({ step, event }) => {
        const a = await step.run("first", () => "A");
        const b = await step.run("second", () => `${a}B`);
        return { b, x: event.data.x as unknown };
      }),

      client.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
        await step.run("before", () => bump("sleeper.before"));
        await step.sleep("nap", "1h");
        await step.run("after", () => bump("sleeper.after"));
        return "woke";
      }),

      client.createFunction({ id: "sleep-until", triggers: [{ event: "test/sleep-until" }] }, async ({ step, event }) => {
        await step.sleepUntil("until", String(event.data.until));
        return "woke-until";
      }),

      client.createFunction({ id: "fanout", triggers: [{ event: "test/fanout" }] }, async ({ step }) => {
        return step.sendEvent("fan", [0, 1, 2].map((i) => ({ name: "test/fan.child", data: { i } })));
      }),

      client.createFunction({ id: "fan-child", triggers: [{ event: "test/fan.child" }] }, async ({ event }) => {
        return { child: event.data.i as unknown };
      }),

      client.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
        const [a, b] = await Promise.all([
          step.run("p1", async () => {
            bump("parallel.p1");
            // Proves the two steps were called concurrently: p1 waits until p2 has started.
            const overlapped = await Promise.race([parallelP2Started.promise.then(() => true), sleep(5_000).then(() => false)]);
            return overlapped ? "a" : "a-without-overlap";
          }),
          step.run("p2", () => {
            bump("parallel.p2");
            parallelP2Started.resolve();
            return "b";
          }),
        ]);
        return step.run("after", () => {
          bump("parallel.after");
          return `${a}${b}`;
        });
      }),

      client.createFunction({ id: "flaky-step", retries: 3, triggers: [{ event: "test/flaky-step" }] }, async ({ step }) => {
        return step.run("flaky", () => {
          const attempt = bump("flaky-step");
          if (attempt < 3) throw new Error(`boom ${attempt}`);
          return `ok after ${attempt}`;
        });
      }),

      client.createFunction({ id: "flaky-function", triggers: [{ event: "test/flaky-function" }] }, async ({ attempt }) => {
        bump("flaky-function");
        if (attempt === 0) throw new Error("outside any step");
        return { attempt };
      }),

      client.createFunction({ id: "non-retriable", triggers: [{ event: "test/non-retriable" }] }, async ({ step }) => {
        await step.run("refuse", () => {
          bump("non-retriable");
          throw new NonRetriableError("do not retry me");
        });
      }),

      client.createFunction({ id: "retry-after", triggers: [{ event: "test/retry-after" }] }, async ({ step }) => {
        return step.run("rate-limited", () => {
          if (bump("retry-after") === 1) throw new RetryAfterError("slow down", "30s");
          return "second try";
        });
      }),

      client.createFunction(
        {
          id: "always-fails",
          retries: 1,
          triggers: [{ event: "test/always-fails" }],
          onFailure: async ({ error, event }) => {
            onFailureCalls.push({ message: error.message, functionId: event.data.function_id });
          },
        },
        async ({ step }) => {
          await step.run("doomed", () => {
            bump("always-fails");
            throw new Error("always broken");
          });
        },
      ),

      client.createFunction({ id: "invoke-child", triggers: [{ event: "test/invoke-child.direct" }] }, async ({ event }) => {
        return { doubled: Number(event.data.n) * 2 };
      }),

      client.createFunction({ id: "waiter", triggers: [{ event: "test/wait" }] }, async ({ step }) => {
        const approval = await step.waitForEvent("approval", { event: "test/approve", timeout: "1h", match: "data.id" });
        return approval ? { approvedBy: approval.data.by as unknown } : { timedOut: true };
      }),
    ];
  }

  beforeAll(async () => {
    const started = await startTestExecutor({ storage });
    executor = started.executor;
    cleanups.push(started.close);
    inngest = testClient("contract", executor.url);
    const functions: InngestFunction.Any[] = [...defineFunctions(inngest), fenceFunction(inngest)];
    const invokeChild = functions.find((fn) => fn.id() === "invoke-child");
    if (!invokeChild) throw new Error("invoke-child missing");
    functions.push(
      inngest.createFunction({ id: "invoke-parent", triggers: [{ event: "test/invoke" }] }, async ({ step }) => {
        return step.invoke("call-child", { function: invokeChild, data: { n: 21 } });
      }),
    );
    const app = await serveApp(inngest, functions);
    cleanups.unshift(app.close);
    const [synced] = await executor.sync(app.url);
    expect(synced?.error).toBeUndefined();
    expect(synced?.result?.sync_kind).toBe("in_band");
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  async function stepsOf(runId: string) {
    const run = await executor.getRun(runId);
    if (!run) throw new Error(`run ${runId} not found`);
    return run.steps;
  }

  /** The function's only run is still asleep: its sleep step pending, its wake-up job untouched. */
  async function stillAsleep(functionId: string): Promise<boolean> {
    const [run] = await runsOf(executor, functionId);
    const detail = await executor.getRun(run?.id ?? "");
    return (
      detail?.status === "running" &&
      detail.steps.some((step) => step.status === "sleeping") &&
      detail.jobs.length === 1 &&
      detail.jobs.every((job) => job.kind === "sleep" && !job.leased)
    );
  }

  describe("steps", () => {
    it("runs two steps and returns the function's value", async () => {
      await inngest.send({ name: "test/two-steps", data: { x: 7 } });
      const [run] = await waitForEndedRuns(executor, "contract-two-steps");
      expect(run?.status).toBe("completed");
      expect(run?.output).toEqual({ b: "AB", x: 7 });
      const steps = await stepsOf(run?.id ?? "");
      expect(steps.map((s) => [s.name, s.status, s.memo, s.completion_order])).toEqual([
        ["first", "completed", { data: "A" }, 1],
        ["second", "completed", { data: "AB" }, 2],
      ]);
    });

    it("wakes step.sleep and step.sleepUntil only when the clock reaches them", async () => {
      const until = new Date(executor.clock.now() + 90 * MINUTE).toISOString();
      await inngest.send([
        { name: "test/sleep", data: {} },
        { name: "test/sleep-until", data: { until } },
      ]);
      await waitForStep(executor, "contract-sleeper", "sleeping");
      const [untilRun] = await waitForStep(executor, "contract-sleep-until", "sleeping");
      expect(untilRun?.steps[0]?.detail).toEqual({ wake_at: until });

      await executor.advanceClock(59 * MINUTE);
      await passFence(executor, inngest, "contract-fence");
      expect(await stillAsleep("contract-sleeper")).toBe(true);
      expect(await stillAsleep("contract-sleep-until")).toBe(true);

      await executor.advanceClock(2 * MINUTE); // 61 min: the 1h sleep is due, sleepUntil (90 min) is not
      const [sleeper] = await waitForEndedRuns(executor, "contract-sleeper");
      expect(sleeper?.output).toBe("woke");
      await passFence(executor, inngest, "contract-fence");
      expect(await stillAsleep("contract-sleep-until")).toBe(true);

      await executor.advanceClock(30 * MINUTE);
      const [sleptUntil] = await waitForEndedRuns(executor, "contract-sleep-until");
      expect(sleptUntil?.output).toBe("woke-until");
      expect(count("sleeper.before")).toBe(1);
      expect(count("sleeper.after")).toBe(1);
      const napStep = (await stepsOf(sleeper?.id ?? "")).find((s) => s.name === "nap");
      expect(napStep?.memo).toEqual({ data: null });
    });

    it("fans out with step.sendEvent (the SDK posts to /e/ during the open call)", async () => {
      await inngest.send({ name: "test/fanout", data: {} });
      const [parent] = await waitForEndedRuns(executor, "contract-fanout");
      const children = await waitForEndedRuns(executor, "contract-fan-child", 3);
      expect(children.map((run) => run.output).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        { child: 0 },
        { child: 1 },
        { child: 2 },
      ]);
      const output = parent?.output as { ids: string[] };
      expect(output.ids).toHaveLength(3);
      const childEventIds = children.map((run) => run.event.id).sort();
      expect([...output.ids].sort()).toEqual(childEventIds);
    });

    it("runs parallel steps concurrently and joins them before the next step", async () => {
      await inngest.send({ name: "test/parallel", data: {} });
      const [run] = await waitForEndedRuns(executor, "contract-parallel");
      expect(run?.output).toBe("ab");
      expect([count("parallel.p1"), count("parallel.p2"), count("parallel.after")]).toEqual([1, 1, 1]);
      const steps = await stepsOf(run?.id ?? "");
      const order = Object.fromEntries(steps.map((s) => [s.name, s.completion_order ?? 0]));
      expect(order.after).toBe(3);
      expect([order.p1, order.p2].sort()).toEqual([1, 2]);
    });
  });

  describe("errors and retries", () => {
    it("retries a failing step with backoff until it succeeds", async () => {
      await inngest.send({ name: "test/flaky-step", data: {} });
      for (const attempts of [1, 2]) {
        await waitFor(async () => {
          const [run] = await runsOf(executor, "contract-flaky-step");
          const step = run ? (await stepsOf(run.id))[0] : undefined;
          return step?.attempts === attempts && step.last_error?.message === `boom ${attempts}`;
        }, `flaky step error #${attempts}`);
        await executor.advanceClock(MINUTE); // past the retry backoff
      }
      const [run] = await waitForEndedRuns(executor, "contract-flaky-step");
      expect(run?.output).toBe("ok after 3");
      expect(count("flaky-step")).toBe(3);
      // The record shows how the step ended (StepRun), not the op of its last failed attempt.
      expect((await stepsOf(run?.id ?? ""))[0]).toMatchObject({ op: "StepRun", status: "completed", attempts: 3 });
    });

    it("retries an error thrown outside any step at the function level", async () => {
      await inngest.send({ name: "test/flaky-function", data: {} });
      await waitFor(() => count("flaky-function") === 1, "first attempt");
      await executor.advanceClock(MINUTE);
      const [run] = await waitForEndedRuns(executor, "contract-flaky-function");
      expect(run?.output).toEqual({ attempt: 1 });
      expect(count("flaky-function")).toBe(2);
    });

    it("fails at once on NonRetriableError", async () => {
      await inngest.send({ name: "test/non-retriable", data: {} });
      const [run] = await waitForEndedRuns(executor, "contract-non-retriable");
      expect(run?.status).toBe("failed");
      expect(run?.error?.message).toContain("do not retry me");
      expect(count("non-retriable")).toBe(1);
    });

    it("honours RetryAfterError: no retry before the delay, then one", async () => {
      await inngest.send({ name: "test/retry-after", data: {} });
      const [waiting] = await waitFor(async () => {
        const runs = await runsOf(executor, "contract-retry-after");
        const detail = runs[0] ? await executor.getRun(runs[0].id) : null;
        return detail?.jobs.some((job) => job.attempt === 1) ? [detail] : undefined;
      }, "retry job scheduled");
      const retryJob = waiting?.jobs.find((job) => job.attempt === 1);
      const delayMs = Date.parse(retryJob?.run_at ?? "") - executor.clock.now();
      expect(delayMs).toBeGreaterThan(25_000);
      expect(delayMs).toBeLessThanOrEqual(30_000);

      await executor.advanceClock(25_000);
      await passFence(executor, inngest, "contract-fence");
      expect(count("retry-after")).toBe(1);
      const [stillWaiting] = await runsOf(executor, "contract-retry-after");
      const jobs = (await executor.getRun(stillWaiting?.id ?? ""))?.jobs;
      expect(jobs).toEqual([expect.objectContaining({ kind: "call", attempt: 1, run_at: retryJob?.run_at, leased: false })]);

      await executor.advanceClock(6_000);
      const [run] = await waitForEndedRuns(executor, "contract-retry-after");
      expect(run?.output).toBe("second try");
      expect(count("retry-after")).toBe(2);
    });

    it("fails the run when retries are exhausted and calls onFailure", async () => {
      await inngest.send({ name: "test/always-fails", data: {} });
      await waitFor(() => count("always-fails") === 1, "first attempt");
      await executor.advanceClock(MINUTE);
      const [run] = await waitForEndedRuns(executor, "contract-always-fails");
      expect(run?.status).toBe("failed");
      expect(run?.error?.message).toContain("always broken");
      expect(count("always-fails")).toBe(2); // retries: 1 => max_attempts 2
      const doomed = (await stepsOf(run?.id ?? "")).find((s) => s.name === "doomed");
      expect(doomed?.status).toBe("failed");

      const [failureRun] = await waitForEndedRuns(executor, "contract-always-fails-failure");
      expect(failureRun?.status).toBe("completed");
      expect(failureRun?.event.name).toBe("inngest/function.failed");
      expect(onFailureCalls).toEqual([{ message: "always broken", functionId: "contract-always-fails" }]);
    });
  });

  describe("invoke and waitForEvent", () => {
    it("invokes another function and receives its return value", async () => {
      await inngest.send({ name: "test/invoke", data: {} });
      const [parent] = await waitForEndedRuns(executor, "contract-invoke-parent");
      expect(parent?.output).toEqual({ doubled: 42 });
      const [child] = await waitForEndedRuns(executor, "contract-invoke-child");
      expect(child?.event.name).toBe("inngest/function.invoked");
      expect(child?.parent_run_id).toBe(parent?.id);
    });

    it("resumes waitForEvent on a matching event and times out otherwise", async () => {
      await inngest.send([
        { name: "test/wait", data: { id: "match-me" } },
        { name: "test/wait", data: { id: "left-waiting" } },
      ]);
      await waitForStep(executor, "contract-waiter", "waiting", 2);
      await inngest.send([
        { name: "test/approve", data: { id: "someone-else", by: "nobody" } },
        { name: "test/approve", data: { id: "match-me", by: "boss" } },
      ]);
      const [approved] = await waitForEndedRuns(executor, "contract-waiter", 1);
      expect(approved?.output).toEqual({ approvedBy: "boss" });
      expect(approved?.event.data.id).toBe("match-me");

      await executor.advanceClock(HOUR + MINUTE);
      const ended = await waitForEndedRuns(executor, "contract-waiter", 2);
      const timedOut = ended.find((run) => run.event.data.id === "left-waiting");
      expect(timedOut?.output).toEqual({ timedOut: true });
    });
  });
});
