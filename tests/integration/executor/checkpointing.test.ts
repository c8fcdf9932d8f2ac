import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "@/local/inngest-executor";
import { hashedSigningKey } from "@/local/inngest-executor/signing";
import { executorStorages, quietLogger, runsOf, startTestExecutor, TEST_KEYS, waitFor, waitForEndedRuns } from "./harness";

// Checkpointing (design inngest-protocol.md §4h), as Inngest runs v4 SDKs: the executor sends
// `fn_id` and `qi_id` in each call's ctx, the SDK runs the steps it finds inside that call and
// posts each result to /v1/checkpoint/{runId}/async, and the call ends with RunComplete. The
// same function with checkpointing turned off in the SDK is the control: one call per step.

describe.each(executorStorages())("checkpointing on $name", (storage) => {
  let executor: Executor;
  const cleanups: (() => Promise<void>)[] = [];
  /** Call requests the app served and checkpoints the SDK posted, per client. */
  const calls = new Map<string, number>();
  const checkpoints = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  /** A client whose requests to the executor are counted (the SDK takes a fetch). */
  const client = (id: string, checkpointing: boolean | { bufferedSteps: number }) =>
    new Inngest({
      id,
      isDev: false,
      baseUrl: executor.url,
      ...TEST_KEYS,
      logger: quietLogger(),
      checkpointing,
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes("/v1/checkpoint/")) bump(checkpoints, id);
        return fetch(input, init);
      },
    });

  async function serveCounted(inngest: Inngest) {
    const fn = inngest.createFunction({ id: "two-steps", triggers: [{ event: `${inngest.id}/go` }] }, async ({ step }) => {
      const a = await step.run("first", () => "A");
      const b = await step.run("second", () => `${a}B`);
      return { b };
    });
    const napper = inngest.createFunction({ id: "step-then-nap", triggers: [{ event: `${inngest.id}/nap` }] }, async ({ step }) => {
      const a = await step.run("before", () => "A");
      await step.sleep("nap", "1h");
      return { a };
    });
    const handler = serve({ client: inngest, functions: [fn, napper] });
    const server = createServer((req, res) => {
      if (req.method === "POST") bump(calls, inngest.id);
      void handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    cleanups.unshift(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
    const [synced] = await executor.sync(url);
    expect(synced?.error).toBeUndefined();
  }

  let on: Inngest;
  let off: Inngest;
  let buffered: Inngest;
  beforeAll(async () => {
    const started = await startTestExecutor({ storage });
    executor = started.executor;
    cleanups.push(started.close);
    on = client("checkpointed", true);
    off = client("uncheckpointed", false);
    buffered = client("buffered", { bufferedSteps: 2 });
    await serveCounted(on);
    await serveCounted(off);
    await serveCounted(buffered);
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("runs a function of two steps in one call, each step checkpointed and memoized in order", async () => {
    await on.send({ name: "checkpointed/go", data: {} });
    const [run] = await waitForEndedRuns(executor, "checkpointed-two-steps");
    expect(run?.status).toBe("completed");
    expect(run?.output).toEqual({ b: "AB" });
    expect(calls.get("checkpointed")).toBe(1);
    expect(checkpoints.get("checkpointed")).toBe(2);
    const detail = await executor.getRun(run!.id);
    expect(detail?.steps.map((s) => [s.name, s.status, s.memo])).toEqual([
      ["first", "completed", { data: "A" }],
      ["second", "completed", { data: "AB" }],
    ]);

    // The control: the SDK with checkpointing off answers each step on a call of its own.
    await off.send({ name: "uncheckpointed/go", data: {} });
    const [control] = await waitForEndedRuns(executor, "uncheckpointed-two-steps");
    expect(control?.output).toEqual({ b: "AB" });
    expect(calls.get("uncheckpointed")).toBe(3);
    expect(checkpoints.get("uncheckpointed") ?? 0).toBe(0);
  });

  it("with two steps buffered, carries them in the call's answer, and checkpoints a step before a sleep", async () => {
    await buffered.send({ name: "buffered/go", data: {} });
    const [run] = await waitForEndedRuns(executor, "buffered-two-steps");
    expect(run?.output).toEqual({ b: "AB" });
    // Both steps filled the buffer of two: one checkpoint for the pair, then RunComplete in the answer.
    expect(calls.get("buffered")).toBe(1);
    expect(checkpoints.get("buffered")).toBe(1);
    const detail = await executor.getRun(run!.id);
    expect(detail?.steps.map((s) => [s.name, s.memo])).toEqual([
      ["first", { data: "A" }],
      ["second", { data: "AB" }],
    ]);

    // One step, then a sleep: the buffered step is checkpointed before the Sleep is answered,
    // so it is memoized while the run sleeps.
    await buffered.send({ name: "buffered/nap", data: {} });
    await waitFor(async () => {
      const [napping] = await runsOf(executor, "buffered-step-then-nap");
      const steps = napping ? (await executor.getRun(napping.id))?.steps : undefined;
      return steps?.find((s) => s.name === "nap")?.status === "sleeping" ? steps : undefined;
    }, "the run to sleep").then((steps) => expect(steps.find((s) => s.name === "before")?.memo).toEqual({ data: "A" }));
    expect(checkpoints.get("buffered")).toBe(2);
  });

  it("refuses a checkpoint without the signing key (401) or for a call no longer out (409), changing nothing", async () => {
    const [run] = await waitForEndedRuns(executor, "checkpointed-two-steps");
    const before = await executor.getRun(run!.id);
    const post = (authorization: string | null, body: unknown) =>
      fetch(`${executor.url}/v1/checkpoint/${run!.id}/async`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
    const step = { id: "0123456789abcdef0123456789abcdef01234567", op: "StepRun", name: "late", data: "X" };
    const checkpoint = { run_id: run!.id, fn_id: "checkpointed-two-steps", qi_id: "999999:gone", steps: [step] };

    expect((await post(null, checkpoint)).status).toBe(401);
    expect((await post(`Bearer ${hashedSigningKey(TEST_KEYS.signingKey)}`, checkpoint)).status).toBe(409);
    expect((await post(`Bearer ${hashedSigningKey(TEST_KEYS.signingKey)}`, { ...checkpoint, steps: "no" })).status).toBe(400);
    expect((await executor.getRun(run!.id))?.steps).toEqual(before?.steps);
  });
});
