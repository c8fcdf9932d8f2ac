import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inngest } from "inngest";
import type { Executor } from "@/local/inngest-executor";
import { runsOf, serveApp, startTestExecutor, testClient, waitFor } from "./harness";

// Throttle applies when a run starts, and runs waiting for a slot wait in priority order, as on
// Inngest: a high-priority run sent after a throttled backlog is the next to start.

const MINUTE = 60_000;

describe("throttle with priority", () => {
  let executor: Executor;
  let client: Inngest;
  const started: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const run = await startTestExecutor();
    executor = run.executor;
    client = testClient("throttle-priority", executor.url);
    const fn = client.createFunction(
      {
        id: "send",
        throttle: { limit: 1, period: "1m" },
        priority: { run: "event.data.urgent == true ? 600 : 0" },
        triggers: [{ event: "test/send" }],
      },
      async ({ event, step }) => {
        await step.run("start", () => void started.push(String(event.data.name)));
        return String(event.data.name);
      },
    );
    const app = await serveApp(client, [fn]);
    await executor.sync(app.url);
    closers.push(app.close, run.close);
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  const completed = (n: number) =>
    waitFor(async () => {
      const runs = await runsOf(executor, "throttle-priority-send");
      return runs.filter((r) => r.status === "completed").length >= n ? runs : undefined;
    }, `${n} completed runs`);

  it("starts one run per period, and the urgent run jumps the waiting backlog", async () => {
    await client.send(["a", "b", "c"].map((name) => ({ name: "test/send", data: { name } })));
    await completed(1);
    await client.send({ name: "test/send", data: { name: "urgent", urgent: true } });
    // The backlog is observably waiting (queued, not dropped) before the clock moves.
    await waitFor(async () => (await runsOf(executor, "throttle-priority-send")).filter((r) => r.status === "queued").length === 3, "3 runs waiting");
    expect(started).toEqual(["a"]);

    await executor.advanceClock(MINUTE);
    await completed(2);
    expect(started).toEqual(["a", "urgent"]);

    await executor.advanceClock(MINUTE);
    await completed(3);
    await executor.advanceClock(MINUTE);
    await completed(4);
    expect(started).toEqual(["a", "urgent", "b", "c"]);
  });
});
