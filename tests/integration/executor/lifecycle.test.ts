import { createServer } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { createExecutor } from "@/local/inngest-executor";
import { freePort } from "./child-executor";
import {
  executorStorages,
  fenceFunction,
  passFence,
  quietLogger,
  serveApp,
  TEST_KEYS,
  testClient,
  waitFor,
  waitForEndedRuns,
  waitForStep,
} from "./harness";

// Start-up and restart in-process: the app may come up after the executor (sync is retried), and a
// graceful stop/start on the same store keeps functions, runs and the test clock's offset.

const MINUTE = 60_000;

/** Answers 503 on the app's port, as an app still booting does, and counts the sync attempts. */
async function bootingApp(port: number) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(503, { connection: "close" }).end("starting");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return {
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(executorStorages())("executor lifecycle on $name", (storage) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("syncs an app that starts later, and resumes after a graceful restart with the clock offset", async () => {
    const prepared = await storage.prepare();
    cleanups.push(prepared.cleanup);
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
    const notYet = await bootingApp(appPort);
    const first = createExecutor({ ...TEST_KEYS, port: 0, appUrls: [appUrl], ...prepared.options, logger: quietLogger() });
    await first.start();
    expect(first.functions()).toEqual([]);

    await waitFor(() => notYet.requests() >= 2, "two sync attempts while the app was booting");
    await notYet.close();
    const client = testClient("late", first.url);
    const napper = client.createFunction({ id: "napper", triggers: [{ event: "late/nap" }] }, async ({ step }) => {
      await step.sleep("nap", "1h");
      return "rested";
    });
    const app = await serveApp(client, [napper, fenceFunction(client)], appPort);
    cleanups.push(app.close);
    await waitFor(() => first.functions().length === 2, "executor synced the late app");

    await first.sendEvents([{ name: "late/nap", data: {} }]);
    await waitForStep(first, "late-napper", "sleeping");
    await first.advanceClock(30 * MINUTE);
    const offset = first.clock.offsetMs();
    await first.stop();

    // No appUrls: the restarted executor knows the function from its store, not from a new sync.
    const second = createExecutor({ ...TEST_KEYS, port: 0, ...prepared.options, logger: quietLogger() });
    await second.start();
    cleanups.push(() => second.stop());
    expect(second.clock.offsetMs()).toBe(offset);
    expect(second.functions().map((fn) => fn.id).sort()).toEqual(["late-fence", "late-napper"]);
    if (storage.name === "pglite") {
      const intruder = createExecutor({ ...TEST_KEYS, port: 0, ...prepared.options, logger: quietLogger() });
      await expect(intruder.start()).rejects.toThrow(/already in use/);
    }

    // The restarted executor sends its calls to the app at the URL it stored; the client only
    // needs to know where to send events now.
    const restartedClient = testClient("late", second.url);
    await second.advanceClock(29 * MINUTE);
    await passFence(second, restartedClient, "late-fence");
    const [sleeping] = await second.listRuns({ functionId: "late-napper" });
    const detail = await second.getRun(sleeping?.id ?? "");
    expect(detail?.status).toBe("running");
    expect(detail?.jobs).toEqual([expect.objectContaining({ kind: "sleep", leased: false })]);

    await second.advanceClock(2 * MINUTE);
    const [run] = await waitForEndedRuns(second, "late-napper");
    expect(run?.output).toBe("rested");
  });
});
