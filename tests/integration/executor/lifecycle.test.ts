import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, expect, it } from "vitest";
import { createExecutor } from "@/local/inngest-executor";
import { freePort } from "./child-executor";
import { quietLogger, serveApp, tempDir, TEST_KEYS, testClient, waitFor, waitForEndedRuns, waitForStep } from "./harness";

// Start-up and restart in-process: the app may come up after the executor (sync is retried), and a
// graceful stop/start on the same data dir keeps functions, runs and the test clock's offset.

const MINUTE = 60_000;
const dir = tempDir("executor-lifecycle-");
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  dir.remove();
});

it("syncs an app that starts later, and resumes after a graceful restart with the clock offset", async () => {
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  const first = createExecutor({ ...TEST_KEYS, port: 0, appUrls: [appUrl], dataDir: dir.path, logger: quietLogger() });
  await first.start();
  expect(first.functions()).toEqual([]);

  await sleep(600); // a few failed sync attempts
  const client = testClient("late", first.url);
  const napper = client.createFunction({ id: "napper", triggers: [{ event: "late/nap" }] }, async ({ step }) => {
    await step.sleep("nap", "1h");
    return "rested";
  });
  const app = await serveApp(client, [napper], appPort);
  cleanups.push(app.close);
  await waitFor(() => first.functions().length === 1, "executor synced the late app");

  await first.sendEvents([{ name: "late/nap", data: {} }]);
  await waitForStep(first, "late-napper", "sleeping");
  await first.advanceClock(30 * MINUTE);
  const offset = first.clock.offsetMs();
  await first.stop();

  // No appUrls: the restarted executor knows the function from its store, not from a new sync.
  const second = createExecutor({ ...TEST_KEYS, port: 0, dataDir: dir.path, logger: quietLogger() });
  await second.start();
  cleanups.push(() => second.stop());
  expect(second.clock.offsetMs()).toBe(offset);
  expect(second.functions().map((fn) => fn.id)).toEqual(["late-napper"]);
  const intruder = createExecutor({ ...TEST_KEYS, port: 0, dataDir: dir.path, logger: quietLogger() });
  await expect(intruder.start()).rejects.toThrow(/already in use/);

  await second.advanceClock(29 * MINUTE);
  await sleep(300);
  expect((await second.listRuns())[0]?.status).toBe("running");
  await second.advanceClock(2 * MINUTE);
  const [run] = await waitForEndedRuns(second, "late-napper");
  expect(run?.output).toBe("rested");
});
