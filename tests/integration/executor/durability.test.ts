import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchExecutor, freePort, type ChildExecutor } from "./child-executor";
import {
  deferred,
  executorStorages,
  FENCE_EVENT,
  fenceFunction,
  serveApp,
  TEST_KEYS,
  testClient,
  waitFor,
  type ExecutorStorage,
} from "./harness";

// Durability: the executor runs as a child process and is SIGKILLed while runs sleep and while a
// step call is in flight, then restarted on the same storage. Every run must complete exactly once,
// and every successful step's side effect (counted here, in the app's process) must happen once.

const MINUTE = 60_000;

type RunJson = {
  id: string;
  function_id: string;
  status: string;
  output: unknown;
  steps: { name: string; status: string; detail: Record<string, unknown> }[];
};

describe.each(executorStorages())("durability on $name (child process, SIGKILL)", (storage: ExecutorStorage) => {
  const sideEffects = new Map<string, number>();
  const record = (key: string) => sideEffects.set(key, (sideEffects.get(key) ?? 0) + 1);
  const gates: { runId: string; gate: ReturnType<typeof deferred<void>> }[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let port = 0;
  let appUrl = "";
  let storageEnv: Record<string, string> = {};

  beforeAll(async () => {
    port = await freePort();
    const client = testClient("durable", `http://127.0.0.1:${port}`);
    const functions = [
      client.createFunction({ id: "sleeper", triggers: [{ event: "durable/sleep" }] }, async ({ step, runId }) => {
        await step.run("before", () => record(`before:${runId}`));
        await step.sleep("nap", "10m");
        await step.run("after", () => record(`after:${runId}`));
        return "slept";
      }),
      client.createFunction({ id: "blocker", triggers: [{ event: "durable/block" }] }, async ({ step, runId }) => {
        await step.run("first", () => record(`first:${runId}`));
        await step.run("blocking", async () => {
          const gate = deferred<void>();
          gates.push({ runId, gate });
          await gate.promise; // released (or abandoned) by the test
          record(`blocking:${runId}`);
        });
        await step.run("last", () => record(`last:${runId}`));
        return "unblocked";
      }),
      fenceFunction(client),
    ];
    const app = await serveApp(client, functions);
    appUrl = app.url;
    cleanups.push(app.close);
    const prepared = await storage.prepare();
    storageEnv = prepared.env;
    cleanups.push(prepared.cleanup);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const launch = () => launchExecutor({ port, appUrl, storageEnv, expectedFunctions: 3 });

  async function getJson<T>(executor: ChildExecutor, path: string): Promise<T> {
    const response = await fetch(`${executor.url}${path}`);
    return (await response.json()) as T;
  }
  async function postJson(executor: ChildExecutor, path: string, body: unknown) {
    const response = await fetch(`${executor.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<unknown>;
  }
  /** The runs under test (fence runs left out). */
  async function runDetails(executor: ChildExecutor): Promise<RunJson[]> {
    const { runs } = await getJson<{ runs: { id: string; function_id: string }[] }>(executor, "/v0/runs?limit=100");
    const tested = runs.filter((run) => run.function_id !== "durable-fence");
    return Promise.all(tested.map(async (run) => (await getJson<{ run: RunJson }>(executor, `/v0/runs/${run.id}`)).run));
  }
  /** See passFence() in the harness: once this run has ended, every job due before it was claimed. */
  async function passFence(executor: ChildExecutor) {
    const token = `fence-${Date.now()}`;
    await postJson(executor, `/e/${TEST_KEYS.eventKey}`, [{ name: FENCE_EVENT, data: { token } }]);
    await waitFor(async () => {
      const { runs } = await getJson<{ runs: { status: string; event: { data: { token?: string } } }[] }>(
        executor,
        "/v0/runs?function_id=durable-fence&limit=100",
      );
      return runs.some((run) => run.event.data.token === token && run.status === "completed");
    }, "fence run completed");
  }
  const napWakeTimes = (runs: RunJson[]) =>
    runs
      .flatMap((run) => run.steps.filter((step) => step.name === "nap").map((step) => `${run.id}=${String(step.detail.wake_at)}`))
      .sort();

  it("resumes sleeping runs and re-calls an in-flight step after SIGKILL, completing each run once", async () => {
    let executor = await launch();
    await postJson(executor, `/e/${TEST_KEYS.eventKey}`, [
      { name: "durable/sleep", data: { n: 1 } },
      { name: "durable/sleep", data: { n: 2 } },
      { name: "durable/sleep", data: { n: 3 } },
      { name: "durable/block", data: {} },
    ]);
    const sleepingBeforeKill = await waitFor(async () => {
      const runs = await runDetails(executor);
      const sleeping = runs.filter((run) => run.steps.some((step) => step.name === "nap" && step.status === "sleeping"));
      return sleeping.length === 3 && gates.length === 1 ? runs : undefined;
    }, "3 sleeping runs and the blocking step in flight");

    // Kill #1: runs asleep, a step call open. The orphaned call's answer can never be recorded;
    // abandon it without a side effect, as if the app's work had not finished either.
    await executor.kill();
    gates[0]?.gate.reject(new Error("abandoned: executor died"));

    executor = await launch();
    await waitFor(() => gates.length === 2, "the lost call is made again after restart");
    expect(gates[1]?.runId).toBe(gates[0]?.runId);
    expect(napWakeTimes(await runDetails(executor))).toEqual(napWakeTimes(sleepingBeforeKill));

    // Kill #2, same situation again, then let the third call through.
    await executor.kill();
    gates[1]?.gate.reject(new Error("abandoned: executor died"));
    executor = await launch();
    await waitFor(() => gates.length === 3, "the lost call is made again after the second restart");
    gates[2]?.gate.resolve();
    await waitFor(async () => {
      const runs = await runDetails(executor);
      return runs.find((run) => run.function_id === "durable-blocker")?.status === "completed";
    }, "blocker completed");

    // Sleeps keep their original due time: 9 minutes on the clock is not enough, 11 is.
    await postJson(executor, "/v0/clock/advance", { ms: 9 * MINUTE });
    await passFence(executor);
    const afterNineMinutes = await runDetails(executor);
    expect(afterNineMinutes.filter((run) => run.status === "completed")).toHaveLength(1);
    const naps = afterNineMinutes.flatMap((run) => run.steps.filter((step) => step.name === "nap"));
    expect(naps.map((step) => step.status)).toEqual(["sleeping", "sleeping", "sleeping"]);
    await postJson(executor, "/v0/clock/advance", { ms: 2 * MINUTE });
    const runs = await waitFor(async () => {
      const all = await runDetails(executor);
      return all.every((run) => run.status === "completed") ? all : undefined;
    }, "every run completed");
    await executor.kill();

    expect(runs).toHaveLength(4);
    const sleepers = runs.filter((run) => run.function_id === "durable-sleeper");
    const blocker = runs.find((run) => run.function_id === "durable-blocker");
    expect(sleepers.map((run) => run.output)).toEqual(["slept", "slept", "slept"]);
    expect(blocker?.output).toBe("unblocked");

    const expected = new Map<string, number>();
    for (const run of sleepers) {
      expected.set(`before:${run.id}`, 1);
      expected.set(`after:${run.id}`, 1);
    }
    for (const step of ["first", "blocking", "last"]) expected.set(`${step}:${blocker?.id ?? ""}`, 1);
    expect(new Map([...sideEffects].sort())).toEqual(new Map([...expected].sort()));

    const relaunched = await launch();
    const { events } = await getJson<{ events: { data: { run_id: string } }[] }>(
      relaunched,
      "/v0/events?name=inngest/function.finished&limit=100",
    );
    await relaunched.kill();
    const tested = new Set(runs.map((run) => run.id));
    expect(events.map((event) => event.data.run_id).filter((id) => tested.has(id)).sort()).toEqual([...tested].sort());
    expect(events).toHaveLength(runs.length + 1); // and the fence's run
  }, 300_000); // four executor start-ups (child processes)
});
