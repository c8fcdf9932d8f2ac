import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Executor, SyncResult } from "@/local/inngest-executor";
import { freePort } from "./child-executor";
import {
  deferred,
  executorStorages,
  fenceFunction,
  passFence,
  quietLogger,
  runsOf,
  serveApp,
  startTestExecutor,
  TEST_KEYS,
  testClient,
  waitFor,
  waitForEndedRuns,
  waitForStep,
} from "./harness";

// Contract tests against the real SDK: triggers and flow control (cron, cancel, idempotency,
// throttle, concurrency, priority), event dedupe, sync reporting, and the JSON API.

const MINUTE = 60_000;

describe.each(executorStorages())("flow contract on $name", (storage) => {
  let executor: Executor;
  let inngest: Inngest;
  let appUrl = "";
  let syncResult: SyncResult | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1).get(key) ?? 0;
  const count = (key: string) => counts.get(key) ?? 0;

  const concurrencyGate = deferred();
  const activeByUser = new Map<string, number>();
  const maxActiveByUser = new Map<string, number>();
  let activeTotal = 0;
  let maxActiveTotal = 0;

  const priorityGate = deferred();
  const priorityOrder: string[] = [];

  function defineFunctions(client: Inngest) {
    return [
      client.createFunction({ id: "cron", triggers: [{ cron: "*/5 * * * *" }] }, async ({ event }) => {
        return { name: event.name, cron: "cron" in event.data ? event.data.cron : null };
      }),

      client.createFunction(
        { id: "cancellable", triggers: [{ event: "test/cancellable" }], cancelOn: [{ event: "test/cancel", match: "data.id" }] },
        async ({ step, event }) => {
          await step.sleep("long-nap", "1d");
          await step.run("after-nap", () => bump(`cancellable.after.${String(event.data.id)}`));
          return "finished";
        },
      ),

      client.createFunction(
        { id: "idempotent", idempotency: "event.data.key", triggers: [{ event: "test/idempotent" }] },
        async ({ event }) => ({ key: event.data.key as unknown }),
      ),

      client.createFunction(
        { id: "throttled", throttle: { limit: 1, period: "1m" }, triggers: [{ event: "test/throttled" }] },
        async ({ event }) => ({ n: event.data.n as unknown }),
      ),

      client.createFunction(
        { id: "per-user", concurrency: [{ limit: 1, key: "event.data.user" }], triggers: [{ event: "test/per-user" }] },
        async ({ step, event }) => {
          const user = String(event.data.user);
          await step.run("work", async () => {
            activeByUser.set(user, (activeByUser.get(user) ?? 0) + 1);
            activeTotal += 1;
            maxActiveByUser.set(user, Math.max(maxActiveByUser.get(user) ?? 0, activeByUser.get(user) ?? 0));
            maxActiveTotal = Math.max(maxActiveTotal, activeTotal);
            await concurrencyGate.promise;
            activeByUser.set(user, (activeByUser.get(user) ?? 1) - 1);
            activeTotal -= 1;
          });
          return user;
        },
      ),

      client.createFunction(
        { id: "prioritized", concurrency: 1, priority: { run: "event.data.prio" }, triggers: [{ event: "test/prioritized" }] },
        async ({ step, event }) => {
          const label = String(event.data.label);
          await step.run("work", async () => {
            priorityOrder.push(label);
            if (label === "blocker") await priorityGate.promise;
          });
          return label;
        },
      ),

      client.createFunction({ id: "bystander", triggers: [{ event: "test/bystander" }] }, async () => "not starved"),

      client.createFunction({ id: "deduped", triggers: [{ event: "test/deduped" }] }, async ({ event }) => {
        bump("deduped");
        return event.data;
      }),

      client.createFunction(
        {
          id: "unsupported",
          triggers: [{ event: "test/unsupported" }],
          rateLimit: { limit: 1, period: "1h" },
          debounce: { period: "5s" },
        },
        async () => "ran anyway",
      ),

      client.createFunction(
        { id: "expression", triggers: [{ event: "test/expression", if: "event.data.ok == true" }] },
        async ({ event }) => event.data.n as unknown,
      ),

      fenceFunction(client),
    ];
  }

  beforeAll(async () => {
    const started = await startTestExecutor({ storage });
    executor = started.executor;
    cleanups.push(started.close);
    inngest = testClient("flow", executor.url);
    const app = await serveApp(inngest, defineFunctions(inngest));
    appUrl = app.url;
    cleanups.unshift(app.close);
    const [synced] = await executor.sync(app.url);
    syncResult = synced?.result;
    expect(synced?.error).toBeUndefined();
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** Runs of the function still queued, and whether the queue has left all of their jobs alone. */
  async function queuedRuns(functionId: string) {
    const queued = (await runsOf(executor, functionId)).filter((run) => run.status === "queued");
    const details = await Promise.all(queued.map((run) => executor.getRun(run.id)));
    return { count: queued.length, untouched: details.every((run) => run !== null && run.jobs.every((job) => !job.leased)) };
  }

  async function api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }) {
    const response = await fetch(`${executor.url}${path}`, {
      method: init?.method ?? "GET",
      headers: { "content-type": "application/json", ...init?.headers },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  describe("triggers", () => {
    it("starts cron functions with inngest/scheduled.timer when the clock passes the schedule", async () => {
      const before = (await runsOf(executor, "flow-cron")).length;
      await api("/v0/clock/advance", { method: "POST", body: { ms: 5 * MINUTE + 1_000 } });
      const runs = await waitForEndedRuns(executor, "flow-cron", before + 1);
      const latest = runs[runs.length - 1];
      expect(latest?.event.name).toBe("inngest/scheduled.timer");
      expect(latest?.output).toEqual({ name: "inngest/scheduled.timer", cron: "*/5 * * * *" });
    });

    it("evaluates trigger expressions with CEL (a missing key is no match)", async () => {
      await inngest.send([
        { name: "test/expression", data: { ok: true, n: 1 } },
        { name: "test/expression", data: { ok: false, n: 2 } },
        { name: "test/expression", data: { n: 3 } },
      ]);
      const runs = await waitForEndedRuns(executor, "flow-expression", 1);
      expect(runs.map((run) => run.output)).toEqual([1]);
      expect(await runsOf(executor, "flow-expression")).toHaveLength(1);
    });
  });

  describe("flow control", () => {
    it("cancels a sleeping run on a matching cancel event", async () => {
      await inngest.send([
        { name: "test/cancellable", data: { id: "a" } },
        { name: "test/cancellable", data: { id: "b" } },
      ]);
      await waitForStep(executor, "flow-cancellable", "sleeping", 2);
      await inngest.send({ name: "test/cancel", data: { id: "a" } });
      const [cancelled] = await waitForEndedRuns(executor, "flow-cancellable", 1);
      expect(cancelled?.status).toBe("cancelled");
      expect(cancelled?.event.data.id).toBe("a");

      await executor.advanceClock(24 * 60 * MINUTE + MINUTE);
      const ended = await waitForEndedRuns(executor, "flow-cancellable", 2);
      expect(ended.find((run) => run.event.data.id === "b")?.status).toBe("completed");
      expect(count("cancellable.after.a")).toBe(0);
      expect(count("cancellable.after.b")).toBe(1);
      const cancelledEvents = await api("/v0/events?name=inngest/function.cancelled");
      expect(JSON.stringify(cancelledEvents.body)).toContain(cancelled?.id ?? "missing");
    });

    it("starts one run per idempotency key", async () => {
      await inngest.send([
        { name: "test/idempotent", data: { key: "k1" } },
        { name: "test/idempotent", data: { key: "k1" } },
        { name: "test/idempotent", data: { key: "k2" } },
      ]);
      const runs = await waitForEndedRuns(executor, "flow-idempotent", 2);
      expect(runs.map((run) => run.output)).toEqual([{ key: "k1" }, { key: "k2" }]);
      await inngest.send({ name: "test/idempotent", data: { key: "k1" } });
      expect(await runsOf(executor, "flow-idempotent")).toHaveLength(2);
    });

    it("delays (does not drop) runs over the throttle limit", async () => {
      await inngest.send([1, 2, 3].map((n) => ({ name: "test/throttled", data: { n } })));
      await waitForEndedRuns(executor, "flow-throttled", 1);
      await passFence(executor, inngest, "flow-fence");
      const statuses = (await runsOf(executor, "flow-throttled")).map((run) => run.status).sort();
      expect(statuses).toEqual(["completed", "queued", "queued"]);
      expect(await queuedRuns("flow-throttled")).toEqual({ count: 2, untouched: true });

      await executor.advanceClock(MINUTE);
      await waitForEndedRuns(executor, "flow-throttled", 2);
      await passFence(executor, inngest, "flow-fence");
      expect(await queuedRuns("flow-throttled")).toEqual({ count: 1, untouched: true });

      await executor.advanceClock(MINUTE);
      const runs = await waitForEndedRuns(executor, "flow-throttled", 3);
      expect(runs.map((run) => run.output)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it("limits concurrent steps per concurrency key", async () => {
      await inngest.send([
        { name: "test/per-user", data: { user: "u1", n: 1 } },
        { name: "test/per-user", data: { user: "u1", n: 2 } },
        { name: "test/per-user", data: { user: "u2", n: 3 } },
      ]);
      await waitFor(() => activeTotal === 2, "u1 and u2 working at once");

      // A long backlog behind a full key must not starve other functions' jobs. The bystander's
      // call was due after every u1 call, so its run ending proves the queue passed them over.
      await inngest.send(Array.from({ length: 80 }, (_, i) => ({ name: "test/per-user", data: { user: "u1", n: 10 + i } })));
      await inngest.send({ name: "test/bystander", data: {} });
      const [bystander] = await waitForEndedRuns(executor, "flow-bystander", 1);
      expect(bystander?.output).toBe("not starved");
      expect(activeByUser.get("u1")).toBe(1);
      expect(await queuedRuns("flow-per-user")).toEqual({ count: 81, untouched: true });

      concurrencyGate.resolve();
      const runs = await waitForEndedRuns(executor, "flow-per-user", 83, 60_000);
      expect(runs.every((run) => run.status === "completed")).toBe(true);
      expect(maxActiveByUser.get("u1")).toBe(1);
      expect(maxActiveByUser.get("u2")).toBe(1);
      expect(maxActiveTotal).toBe(2);
    });

    it("orders queued runs by priority.run", async () => {
      await inngest.send({ name: "test/prioritized", data: { label: "blocker", prio: 0 } });
      await waitFor(() => priorityOrder.length === 1, "blocker running");
      await inngest.send([
        { name: "test/prioritized", data: { label: "low", prio: -100 } },
        { name: "test/prioritized", data: { label: "high", prio: 100 } },
      ]);
      // Both wait behind the blocker (runs and their calls are stored before send() returns).
      expect(await queuedRuns("flow-prioritized")).toEqual({ count: 2, untouched: true });
      priorityGate.resolve();
      await waitForEndedRuns(executor, "flow-prioritized", 3);
      expect(priorityOrder).toEqual(["blocker", "high", "low"]);
    });
  });

  describe("event API", () => {
    it("dedupes user-set event ids and retried sends (same id seed)", async () => {
      await inngest.send({ name: "test/deduped", id: "same-id", data: { first: true } });
      await inngest.send({ name: "test/deduped", id: "same-id", data: { first: false } });

      const seed = `${Date.now()},${Buffer.from("0123456789").toString("base64")}`;
      const post = () =>
        fetch(`${executor.url}/e/${TEST_KEYS.eventKey}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-inngest-event-id-seed": seed },
          body: JSON.stringify([{ name: "test/deduped", data: { seeded: 1 } }, { name: "test/deduped", data: { seeded: 2 } }]),
        }).then((response) => response.json() as Promise<{ ids: string[]; status: number }>);
      const first = await post();
      const retried = await post();
      expect(first.status).toBe(200);
      expect(first.ids).toHaveLength(2);
      expect(new Set(first.ids).size).toBe(2);
      expect(retried.ids).toEqual(first.ids);

      const runs = await waitForEndedRuns(executor, "flow-deduped", 3);
      expect(runs.map((run) => run.output)).toEqual([{ first: true }, { seeded: 1 }, { seeded: 2 }]);
      // Runs start in the transaction that stores the event, so a duplicate's run would exist by now.
      expect(await runsOf(executor, "flow-deduped")).toHaveLength(3);
      expect(count("deduped")).toBe(3);
    });

    it("accepts a single event object and rejects an event without a name", async () => {
      const single = await api(`/e/${TEST_KEYS.eventKey}`, { method: "POST", body: { name: "test/single", data: {} } });
      expect(single.status).toBe(200);
      expect((single.body.ids as string[]).length).toBe(1);
      const invalid = await api(`/e/${TEST_KEYS.eventKey}`, { method: "POST", body: [{ data: {} }] });
      expect(invalid.status).toBe(400);
    });

    it("takes events only with its event key (401 otherwise, nothing stored)", async () => {
      const before = (await api("/v0/events?name=test/keyless")).body.events as unknown[];
      for (const key of ["NO_EVENT_KEY_SET", "key", `${TEST_KEYS.eventKey}x`]) {
        const refused = await api(`/e/${key}`, { method: "POST", body: { name: "test/keyless", data: {} } });
        expect(refused.status).toBe(401);
      }
      expect((await api("/v0/events?name=test/keyless")).body.events).toHaveLength(before.length);
      const accepted = await api(`/e/${TEST_KEYS.eventKey}`, { method: "POST", body: { name: "test/keyless", data: {} } });
      expect(accepted.status).toBe(200);
      expect((await api("/v0/events?name=test/keyless")).body.events).toHaveLength(before.length + 1);
    });
  });

  describe("sync and JSON API", () => {
    it("reports unsupported function options loudly instead of ignoring them", async () => {
      const reported = syncResult?.unsupported.filter((entry) => entry.function_id === "flow-unsupported").map((e) => e.option);
      expect(reported?.sort()).toEqual(["debounce", "rateLimit"]);
      const functions = await api("/v0/functions");
      const listed = (functions.body.functions as { id: string; unsupported: { option: string }[] }[]).find(
        (fn) => fn.id === "flow-unsupported",
      );
      expect(listed?.unsupported.map((entry) => entry.option).sort()).toEqual(["debounce", "rateLimit"]);
    });

    it("re-syncs on POST /v0/sync and registers out-of-band via /fn/register", async () => {
      const resync = await api("/v0/sync", { method: "POST", body: { url: appUrl } });
      expect(resync.status).toBe(200);
      const [resynced] = resync.body.results as { result: SyncResult }[];
      expect(resynced?.result.functions).toContain("flow-throttled");
      expect(resynced?.result.changed).toBe(false); // same configs: logged at debug, not again as news

      // A PUT without the in-band header makes the SDK POST its config to {baseUrl}/fn/register.
      const oob = testClient("oob", executor.url);
      const oobApp = await serveApp(oob, [oob.createFunction({ id: "hello", triggers: [{ event: "test/oob" }] }, async () => "hi")]);
      cleanups.unshift(oobApp.close);
      const put = await fetch(oobApp.url, { method: "PUT" });
      expect(put.status).toBe(200);
      const functions = await api("/v0/functions");
      const apps = functions.body.apps as { id: string; sync_kind: string }[];
      expect(apps.find((app) => app.id === "oob")?.sync_kind).toBe("out_of_band");

      // Registration needs the SDK's hashed signing key, as with Inngest: anyone else is refused.
      const forged = { url: "http://127.0.0.1:9/api/inngest", appName: "oob", functions: [] };
      for (const authorization of [undefined, "Bearer nope", `Bearer ${TEST_KEYS.signingKey}`]) {
        const headers: Record<string, string> = authorization ? { authorization } : {};
        expect((await api("/fn/register", { method: "POST", body: forged, headers })).status).toBe(401);
      }
      const afterForgery = (await api("/v0/functions")).body.apps as { id: string; url: string }[];
      expect(afterForgery.find((app) => app.id === "oob")?.url).toBe(oobApp.url);

      // An app with in-band sync turned off answers our in-band PUT by registering out-of-band.
      vi.stubEnv("INNGEST_ALLOW_IN_BAND_SYNC", "0");
      try {
        const [viaSync] = await executor.sync(oobApp.url);
        expect(viaSync?.error).toBeUndefined();
        expect(viaSync?.result?.sync_kind).toBe("out_of_band");
        expect(viaSync?.result?.functions).toEqual(["oob-hello"]);
      } finally {
        vi.unstubAllEnvs();
      }
      await oob.send({ name: "test/oob", data: {} });
      const [run] = await waitForEndedRuns(executor, "oob-hello");
      expect(run?.output).toBe("hi");
    });

    it("registers nothing from a sync answer that is not signed with its signing key", async () => {
      // A stand-in "app" that answers the in-band PUT like the SDK would, but cannot sign it.
      const runtime = { type: "http", url: "http://127.0.0.1:9/api/inngest?fnId=impostor-fn&stepId=step" };
      const config = {
        app_id: "impostor",
        url: "http://127.0.0.1:9/api/inngest",
        functions: [{ id: "impostor-fn", name: "fn", triggers: [{ event: "test/impostor" }], steps: { step: { id: "step", name: "step", runtime } } }],
      };
      for (const signature of [null, "t=1&s=00", `t=${Math.round(Date.now() / 1000)}&s=${"0".repeat(64)}`]) {
        const server = createServer((_req, res) => {
          res.writeHead(200, {
            "content-type": "application/json",
            "x-inngest-sync-kind": "in_band",
            ...(signature ? { "x-inngest-signature": signature } : {}),
          });
          res.end(JSON.stringify(config));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        const [outcome] = await executor.sync(`http://127.0.0.1:${port}/api/inngest`);
        server.close();
        expect(outcome?.error).toMatch(/not signed with the executor's signing key/);
      }
      const apps = (await api("/v0/functions")).body.apps as { id: string }[];
      expect(apps.map((app) => app.id)).not.toContain("impostor");
    });

    it("serves an app configured only through the environment, as the app is (base URL and keys)", async () => {
      vi.stubEnv("INNGEST_BASE_URL", executor.url);
      vi.stubEnv("INNGEST_SIGNING_KEY", TEST_KEYS.signingKey);
      vi.stubEnv("INNGEST_EVENT_KEY", TEST_KEYS.eventKey);
      try {
        const envOnly = new Inngest({ id: "env-only", isDev: false, logger: quietLogger() });
        const fn = envOnly.createFunction({ id: "hello", triggers: [{ event: "test/env-only" }] }, async ({ step }) => {
          return step.run("greet", () => "hello from env");
        });
        const app = await serveApp(envOnly, [fn]);
        cleanups.unshift(app.close);
        expect((await executor.sync(app.url))[0]?.error).toBeUndefined();
        await envOnly.send({ name: "test/env-only", data: {} });
        const [run] = await waitForEndedRuns(executor, "env-only-hello");
        expect(run?.output).toBe("hello from env");
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it("keeps calling an app that is down (restarting) without using up attempts", async () => {
      const port = await freePort();
      const restarting = testClient("restarting", executor.url);
      const fn = restarting.createFunction({ id: "hello", triggers: [{ event: "test/restarting" }] }, async () => "back");
      const firstApp = await serveApp(restarting, [fn], port);
      const [synced] = await executor.sync(firstApp.url);
      expect(synced?.error).toBeUndefined();
      await firstApp.close();

      await restarting.send({ name: "test/restarting", data: {} });
      // Each refused call puts the same attempt back with a later due time: wait for several.
      const dueTimes = new Set<string>();
      const detail = await waitFor(async () => {
        const [run] = await runsOf(executor, "restarting-hello");
        const current = run ? await executor.getRun(run.id) : null;
        for (const job of current?.jobs ?? []) dueTimes.add(`${job.kind} #${job.attempt} at ${job.run_at ?? ""}`);
        return dueTimes.size >= 3 ? current : undefined;
      }, "the app refusing two calls");
      expect(detail.status).toBe("running"); // called (and refused), not failed
      expect([...dueTimes].every((due) => due.startsWith("call #0 at"))).toBe(true);
      expect(detail.jobs).toEqual([expect.objectContaining({ kind: "call", attempt: 0 })]);

      const secondApp = await serveApp(restarting, [fn], port);
      cleanups.unshift(secondApp.close);
      const [ended] = await waitForEndedRuns(executor, "restarting-hello", 1, 45_000);
      expect(ended?.output).toBe("back");
    });

    it("serves runs, run details, events, health, and cancels a run", async () => {
      const eventId = `api-${Date.now()}`;
      await inngest.send({ name: "test/cancellable", data: { id: "api" }, id: eventId });
      const [sleeping] = await waitForStep(executor, "flow-cancellable", "sleeping", 1);
      const runId = sleeping?.id ?? "";

      const list = await api(`/v0/runs?function_id=flow-cancellable&status=running&limit=5`);
      expect((list.body.runs as { id: string }[]).map((run) => run.id)).toContain(runId);
      // The runs an event started, by the id its sender gave it (the admin console's run link).
      const byEvent = await api(`/v0/runs?event_id=${eventId}`);
      expect((byEvent.body.runs as { id: string }[]).map((run) => run.id)).toEqual([runId]);
      expect((await api("/v0/runs?event_id=no-such-event")).body.runs).toEqual([]);

      const detail = await api(`/v0/runs/${runId}`);
      const run = detail.body.run as { steps: { name: string; status: string }[]; jobs: { kind: string }[] };
      expect(run.steps).toEqual([expect.objectContaining({ name: "long-nap", status: "sleeping" })]);
      expect(run.jobs.map((job) => job.kind)).toEqual(["sleep"]);

      const cancelled = await api(`/v0/runs/${runId}/cancel`, { method: "POST" });
      expect((cancelled.body.run as { status: string }).status).toBe("cancelled");
      expect((await api(`/v0/runs/does-not-exist`)).status).toBe(404);

      const events = await api("/v0/events?name=test/cancellable&limit=1");
      expect((events.body.events as { name: string; data: { id: string } }[])[0]?.data.id).toBe("api");

      const health = await api("/health");
      expect(health.body).toMatchObject({ status: "ok", database: storage.name });
      expect((await api("/v0/runs?status=bogus")).status).toBe(400);
    });
  });
});
