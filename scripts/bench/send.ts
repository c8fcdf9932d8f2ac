/**
 * npm run bench:send — texts through the whole local stack on PostgreSQL: requestSmsBatch (as a
 * cron would call it) → the local executor (its state in PostgreSQL) → send-sms and the throttled
 * dispatch function served by `next start` → the official Twilio SDK → the sandbox → signed
 * status callbacks back to the app.
 *
 * Scenario 1: BENCH_TEXTS (2,000) texts at once with the cap at BENCH_CAP (50) texts/s. Prints
 *   the achieved rate against the cap (the baseline of this run), the highest count in any one
 *   second, p50/p99 from request to `sent` and to `delivered`, database round trips per text,
 *   and checks that every row reached Twilio exactly once.
 * Scenario 2: BENCH_HELD (1,000) texts held through quiet hours that end at a whole minute
 *   BENCH_QUIET_LEAD_S (90) or more seconds ahead, woken together when the window closes: the
 *   highest send rate over any one-second window. Real time, not the executor's test clock: the
 *   app judges quiet hours again at the moment of sending, on its own clock, so moving only the
 *   engine's clock would wake the texts into a window the app still sees open.
 *
 * "Busiest second" = the most sends in any half-open window [t, t + 1 s), counted two ways:
 * - at the moment of sending (what the cap governs and the pass/fail check uses): each send's
 *   slot from the app-wide pacer, kept on its `sending` event on the database's clock (µs);
 * - as the sandbox stamped each arrival (ms, in this process's event loop): that adds the HTTP
 *   hop's and this busy process's jitter, which no sender controls (a send delayed 10 ms next to
 *   one on time puts cap + 1 into some window), so it is printed beside it, not judged.
 *
 * Round trips are counted by a PostgreSQL wire-protocol proxy between the app and the database:
 * one per Sync (extended protocol) or simple Query the app sends, attributed to its SQL.
 *
 * The app's cost against its floor. Every HTTP request the app serves (the engine's calls, the
 * sandbox's status callbacks) and makes to the engine (events, checkpoints) passes a counting
 * proxy, so the requests per text are counted, not assumed, and the moment each arrived is kept.
 * After scenario 1 the bench sends GET /api/health to the same server at those same moments (as
 * many requests, arriving as the app's did) and reads its CPU time: the floor of a text is
 * (requests served per text) × (health's CPU per request), what the app would cost if each of its
 * requests did no more work than the cheapest route; the app's CPU per text is printed against it.
 * Health is priced in two passes, before and after the replays below, and the floor takes the
 * lower. Health sent back to back (BENCH_HEALTH_REQUESTS, 8 at a time) is printed beside it: a
 * saturated server takes several requests per turn of its event loop, so each costs less there
 * than one that arrives as the app's do, and a floor priced that way holds the app to a price
 * health itself does not meet under the app's traffic. Then where a text's CPU goes: each status
 * callback and each engine call of the run is replayed at the same moments (a callback again, an
 * engine call with every step memoized, so the SDK runs none), which prices the requests alone;
 * the rest is the steps' own work (request-weights.ts).
 *
 * Env: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else Debian's PostgreSQL is started),
 *      BENCH_TEXTS (2000), BENCH_HELD (1000), BENCH_CAP (50), BENCH_PORT (3250; +1 executor,
 *      +2 sandbox, +3 and +4 the counting proxies), BENCH_HEALTH_REQUESTS (3000),
 *      BENCH_DELIVERY_DELAY_MS (100, the sandbox's time per status hop),
 *      BENCH_EXECUTOR_IN_FLIGHT (48, calls the executor makes to the app at once),
 *      BENCH_PROFILE_DIR (unset; where the app and the executor write V8 CPU profiles),
 *      BENCH_PROFILE_INTERVAL_US (V8's 1,000 µs unless set; its sampling interval).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Inngest } from "inngest";
import postgres from "postgres";
import { openDb } from "@/db/client";
import { generateEventKey, generateSigningKey } from "@/local/inngest-executor/signing";
import { createTwilioSandbox } from "@/local/twilio-sandbox";
import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";
import type { JobSender } from "@/server/jobs/define";
import { systemContext } from "@/server/service-context";
import { requestSmsBatch, type SmsRequest } from "@/server/sms/request";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { appEnvForLocalExecutor, appEnvForSandbox, executorEnv } from "../lib/stand-ins";
import { startNextServer } from "./lib/next-server";
import { cpuProfileFlags, postgresBackendsCpuSeconds, processCpuSeconds } from "./lib/cpu";
import { startPgProxy, type StatementCount } from "./lib/pg-proxy";
import { startHttpCounter } from "./lib/http-counter";
import { freshDatabase } from "./lib/database";
import { cpuPerRequest, healthRequest, untilIdle, replayedDeliveredCallbacks, replayedEngineCalls } from "./lib/request-weights";
import { dispatchMessageJob, sendSmsJob } from "@/server/jobs/definitions";

const texts = Number(process.env.BENCH_TEXTS ?? 2000);
const held = Number(process.env.BENCH_HELD ?? 1000);
const cap = Number(process.env.BENCH_CAP ?? 50);
const basePort = Number(process.env.BENCH_PORT ?? 3250);
const deliveryDelayMs = Number(process.env.BENCH_DELIVERY_DELAY_MS ?? 100);
const healthRequests = Number(process.env.BENCH_HEALTH_REQUESTS ?? 3000);
const [appPort, executorPort, sandboxPort, appCounterPort, engineCounterPort] = [0, 1, 2, 3, 4].map((k) => basePort + k) as [
  number, number, number, number, number,
];
const HOUR = 3_600_000;
const EXECUTOR_SCHEMA = "inngest_executor";
const STATUS_WEBHOOK_PATH = "/api/webhooks/twilio/status";
const ENGINE_PATH = "/api/inngest";

// This run's own sandbox account and Inngest keys, generated as every install's are.
const sandboxAccount = generateSandboxCredentials();
const inngestKeys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };

function startExecutor(databaseUrl: string, appUrl: string): { url: string; child: ChildProcess } {
  const child = spawn(process.execPath, [...cpuProfileFlags(), "--import", "tsx", "local/inngest-executor/main.ts"], {
    env: {
      ...process.env,
      ...executorEnv(inngestKeys),
      INNGEST_EXECUTOR_PORT: String(executorPort),
      INNGEST_EXECUTOR_APP_URL: appUrl,
      INNGEST_EXECUTOR_DATABASE_URL: databaseUrl,
      INNGEST_EXECUTOR_DATABASE_SCHEMA: EXECUTOR_SCHEMA,
      INNGEST_EXECUTOR_LOG_LEVEL: "warn",
      INNGEST_EXECUTOR_RESYNC_MS: "0",
      INNGEST_EXECUTOR_MAX_IN_FLIGHT: process.env.BENCH_EXECUTOR_IN_FLIGHT ?? "48",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { url: `http://127.0.0.1:${executorPort}`, child };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The most sends in any window [t, t + 1 s): a sliding window over the sorted send times. */
function maxInOneSecond(times: number[]): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= 1000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Which part of the app a statement belongs to: the webhook's callback batch, or the send path. */
const isCallbackStatement = (sql: string) => sql.includes("jsonb_to_recordset") && sql.includes("'callback'");

function describeStatement(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 96 ? `${flat.slice(0, 93)}…` : flat;
}

async function main() {
  const databaseUrl = await freshDatabase("bench_send");
  const handle = openDb({ kind: "postgres", url: databaseUrl, poolSize: 4 });
  await handle.migrate();
  for (const template of DEFAULT_TEMPLATES) await ensureTemplate(handle.db, template);
  const direct = postgres(databaseUrl, { max: 2, onnotice: () => {} });

  const appProxy = await startPgProxy(databaseUrl);
  const requestProxy = await startPgProxy(databaseUrl);
  const requests = openDb({ kind: "postgres", url: requestProxy.url, poolSize: 2 });

  const sandbox = createTwilioSandbox({
    accountSid: sandboxAccount.accountSid,
    authToken: sandboxAccount.authToken,
    apiKeys: [{ sid: sandboxAccount.apiKeySid, secret: sandboxAccount.apiKeySecret }],
    port: sandboxPort,
    deliveryDelayMs,
    log: () => undefined,
  });
  await sandbox.start();

  // Everything reaches the app through one counting proxy (its public URL), and the app reaches
  // the engine through another: the requests per text below are counted there.
  const appCounter = await startHttpCounter(`http://127.0.0.1:${appPort}`, appCounterPort);
  const publicUrl = appCounter.url;
  const executor = startExecutor(databaseUrl, `${publicUrl}/api/inngest`);
  const engineCounter = await startHttpCounter(executor.url, engineCounterPort, (path) =>
    path.replace(/^\/e\/.+/, "/e/:key").replace(/^\/v1\/checkpoint\/[^/]+\//, "/v1/checkpoint/:runId/"),
  );
  const app = await startNextServer(appPort, {
    DATABASE_URL: appProxy.url,
    PUBLIC_URL: publicUrl,
    ...appEnvForSandbox(sandboxAccount, sandbox.url),
    ...appEnvForLocalExecutor(inngestKeys, engineCounter.url),
    SMS_MAX_PER_SECOND: String(cap),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  });
  const cleanup = async () => {
    await app.stop();
    executor.child.kill("SIGTERM");
    await sandbox.stop();
    await requests.close();
    await appProxy.close();
    await requestProxy.close();
    await appCounter.close();
    await engineCounter.close();
    await direct.end();
    await handle.close();
  };

  try {
    await until(
      async () => {
        await fetch(`${executor.url}/v0/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        const body = (await (await fetch(`${executor.url}/v0/functions`)).json()) as { functions: unknown[] };
        return body.functions.length >= 3 ? true : undefined;
      },
      "the executor to sync the app's functions",
      120_000,
      1_000,
    );
    const client = new Inngest({ id: "bench-send", isDev: false, baseUrl: executor.url, ...inngestKeys });
    const jobs: JobSender = { send: async (events) => void (events.length > 0 && (await client.send(events))) };
    const ctx = systemContext(requests.db, jobs, "bench");

    // Users: one text each, so no daily cap gets in the way; quiet hours off for scenario 1.
    const makeUsers = async (prefix: "w" | "s" | "q", count: number, prefs: { quietStart?: string; quietEnd?: string }) => {
      const range = { w: "0", s: "1", q: "2" }[prefix];
      await direct`
        insert into users (id, email, name)
        select ${prefix} || i, ${prefix} || i || '@bench.test', 'Bench ' || i from generate_series(1, ${count}::int) i`;
      await direct`
        insert into user_sms_preferences (user_id, phone, phone_verified_at, quiet_hours_enabled, quiet_hours_start, quiet_hours_end, time_zone)
        select ${prefix} || i, '+1555' || ${range} || lpad(i::text, 6, '0'), now(),
          ${prefs.quietStart !== undefined}, ${prefs.quietStart ?? "21:00"}, ${prefs.quietEnd ?? "08:00"}, 'UTC'
        from generate_series(1, ${count}::int) i`;
      return Array.from({ length: count }, (_, k) => `${prefix}${k + 1}`);
    };
    const reminder = (userId: string): SmsRequest => ({
      userId,
      templateKey: "task_reminder",
      variables: { task_name: "Pour the slab", due_time: "at 9", task_context: "Site B" },
    });

    type Row = { id: string; status: string; created_at: Date; sent_at: Date | null; delivered_at: Date | null };
    const rowsOf = (prefix: string) => direct<Row[]>`
      select id, status, created_at, sent_at, delivered_at from sms_messages where user_id like ${prefix + "%"}`;
    /** Waits (cheaply: one count a second) until every text of the group is final; then its rows. */
    const settled = async (prefix: string, count: number, timeoutMs: number): Promise<{ rows: Row[]; timedOut: boolean }> => {
      const done = await until(
        async () => {
          const [row] = await direct<{ n: number }[]>`
            select count(*)::int as n from sms_messages
            where user_id like ${prefix + "%"} and status in ('delivered', 'undelivered', 'failed', 'skipped', 'cancelled')`;
          return row && row.n >= count ? true : undefined;
        },
        "every text to reach a final status",
        timeoutMs,
        1_000,
      ).catch(() => false);
      return { rows: await rowsOf(prefix), timedOut: !done };
    };
    /** When each send of the group was allowed out: its pacer slot, on the database's clock, in ms. */
    const sendSlotTimes = async (prefix: string) =>
      (
        await direct<{ at: number }[]>`
          select extract(epoch from (e.payload->>'slotAt')::timestamptz)::float8 * 1000 as at
          from sms_message_events e join sms_messages m on m.id = e.message_id
          where m.user_id like ${prefix + "%"} and e.status = 'sending' and e.payload ? 'slotAt'`
      )
        .map((r) => Number(r.at))
        .sort((a, b) => a - b);
    /** Sandbox messages per our message id (from the status callback URL), with creation times. */
    const sandboxSends = () => {
      const byMessage = new Map<string, number[]>();
      for (const m of sandbox.state.messages.values()) {
        const id = m.statusCallback ? new URL(m.statusCallback).searchParams.get("m") : null;
        if (!id) continue;
        byMessage.set(id, [...(byMessage.get(id) ?? []), m.dateCreated.getTime()]);
      }
      return byMessage;
    };

    // Warm-up: compile routes, open pools, prepare statements; not measured.
    const warm = await makeUsers("w", 20, {});
    await requestSmsBatch(ctx, warm.map(reminder));
    await settled("w", warm.length, 300_000);

    // ── Scenario 1 ──
    const users = await makeUsers("s", texts, {});
    appProxy.reset();
    requestProxy.reset();
    appCounter.reset();
    engineCounter.reset();
    const sandboxCreatesBefore = sandbox.state.messages.size;
    const databaseName = new URL(databaseUrl).pathname.slice(1);
    const cpuNow = () => ({
      app: app.cpuSeconds(),
      executor: processCpuSeconds(executor.child.pid!),
      bench: processCpuSeconds(process.pid),
      postgres: postgresBackendsCpuSeconds(databaseName),
    });
    const cpuBefore = cpuNow();
    const started = Date.now();
    const result = await requestSmsBatch(ctx, users.map(reminder));
    const requestTrips = requestProxy.total();
    const { rows, timedOut } = await settled("s", texts, Math.max(900_000, (texts / cap) * 10_000));
    const elapsedMs = Date.now() - started;
    const cpuAfter = cpuNow();
    const appCounts = appProxy.counts();
    const served = appCounter.counts();
    const arrivals = appCounter.arrivals();
    const made = engineCounter.counts();
    const twilioCreates = sandbox.state.messages.size - sandboxCreatesBefore;
    // The floor's price: health sent at the moments the app's own requests arrived in scenario 1
    // (request-weights.ts); back to back, 8 at a time, printed beside it.
    await untilIdle(app);
    const healthPasses = [await cpuPerRequest(app, arrivals.length, healthRequest, { at: arrivals })];
    const healthBackToBackCpuMs = await cpuPerRequest(app, healthRequests, healthRequest, { inFlight: 8 });
    // The same price for the two kinds of request a text brings, replayed so that nothing but the
    // request itself runs: where the app's CPU a text goes (printed below).
    const callbacks = replayedDeliveredCallbacks(sandbox.state.messages.values(), sandboxAccount);
    const callbackCpuMs = await cpuPerRequest(app, arrivals.length, (i) => callbacks[i % callbacks.length]!, { at: arrivals });
    const engineCalls = await replayedEngineCalls(direct, EXECUTOR_SCHEMA, [sendSmsJob.id, dispatchMessageJob.id], inngestKeys.signingKey, texts);
    const engineCallCpuMs = await cpuPerRequest(app, arrivals.length, (i) => engineCalls[i % engineCalls.length]!, { at: arrivals });
    // A second pass after the replays: the first has come out up to a fifth dearer (cause not found),
    // and the floor takes the lower of the two, so it is never flattered by a dear pass.
    healthPasses.push(await cpuPerRequest(app, arrivals.length, healthRequest, { at: arrivals }));
    const healthCpuMs = Math.min(...healthPasses);
    const sends = sandboxSends();
    const sendTimes = rows.flatMap((r) => sends.get(r.id) ?? []).sort((a, b) => a - b);
    const duplicated = rows.filter((r) => (sends.get(r.id)?.length ?? 0) > 1).length;
    const lost = rows.filter((r) => r.status !== "delivered" || (sends.get(r.id)?.length ?? 0) === 0).length;
    const span = (sendTimes.at(-1)! - sendTimes[0]!) / 1000;
    const achieved = (sendTimes.length - 1) / span;
    const toSent = rows.flatMap((r) => (r.sent_at ? [r.sent_at.getTime() - r.created_at.getTime()] : [])).sort((a, b) => a - b);
    const toDelivered = rows.flatMap((r) => (r.delivered_at ? [r.delivered_at.getTime() - r.created_at.getTime()] : [])).sort((a, b) => a - b);
    const slotTimes = await sendSlotTimes("s");
    const sum = (counts: StatementCount[]) => counts.reduce((a, c) => a + c.trips, 0);
    const sendPath = appCounts.filter((c) => !isCallbackStatement(c.sql));
    const callbackPath = appCounts.filter((c) => isCallbackStatement(c.sql));

    // ── Scenario 2 ──
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const quietLeadMs = Number(process.env.BENCH_QUIET_LEAD_S ?? 90) * 1000;
    const windowEnd = Math.ceil((Date.now() + quietLeadMs) / 60_000) * 60_000;
    const heldUsers = await makeUsers("q", held, { quietStart: hhmm(windowEnd - HOUR), quietEnd: hhmm(windowEnd) });
    const before = new Set(sandbox.state.messages.keys());
    await requestSmsBatch(ctx, heldUsers.map(reminder));
    await until(
      async () => {
        const [row] = await direct<{ n: number }[]>`
          select count(*)::int as n from sms_messages where user_id like 'q%' and status = 'scheduled'`;
        return row && row.n === held ? true : undefined;
      },
      "every held text to show scheduled (quiet hours)",
      Math.max(1_000, windowEnd - Date.now()),
      500,
    ).catch(() => {
      throw new Error(`the held texts were not all scheduled before their window closed: raise BENCH_QUIET_LEAD_S`);
    });
    const sentWhileHeld = [...sandbox.state.messages.keys()].filter((sid) => !before.has(sid)).length;
    await sleep(Math.max(0, windowEnd - Date.now()));
    const wokeAt = Date.now();
    const { rows: heldRows, timedOut: heldTimedOut } = await settled("q", held, Math.max(900_000, (held / cap) * 10_000));
    const heldSends = sandboxSends();
    const heldTimes = heldRows.flatMap((r) => heldSends.get(r.id) ?? []).sort((a, b) => a - b);
    const heldDuplicated = heldRows.filter((r) => (heldSends.get(r.id)?.length ?? 0) > 1).length;
    const heldLost = heldRows.filter((r) => r.status !== "delivered").length;
    const heldSpan = (heldTimes.at(-1)! - heldTimes[0]!) / 1000;
    const heldSlotTimes = await sendSlotTimes("q");

    // ── Report ──
    const ms = (v: number) => `${(v / 1000).toFixed(2)} s`;
    const maxWindow = maxInOneSecond(slotTimes);
    const heldMaxWindow = maxInOneSecond(heldSlotTimes);
    const arrivalMaxWindow = maxInOneSecond(sendTimes);
    const heldArrivalMaxWindow = maxInOneSecond(heldTimes);
    const perText = (n: number) => (n / texts).toFixed(2);
    console.log(`\nbench:send — next start + local executor (PostgreSQL state) + Twilio sandbox (${deliveryDelayMs} ms/hop), PostgreSQL, Node ${process.version}`);
    console.log(
      `machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} (1/5/15 min) at the end. ` +
        `Below the cap, the work per text (counted below), not the throttle, sets the rate.`,
    );
    console.log(`\nscenario 1: ${texts} texts requested at once (${result.created} created), cap SMS_MAX_PER_SECOND=${cap}`);
    console.log(`  achieved      ${achieved.toFixed(1)} texts/s = ${((achieved / cap) * 100).toFixed(1)} % of the cap (baseline: the cap, ${cap}/s; target ≥ 95 %)`);
    console.log(
      `  busiest second ${maxWindow} texts at the moment of sending (pacer slots, ${slotTimes.length} sends; never above the cap: ${maxWindow <= cap ? "OK" : "EXCEEDED"}); ` +
        `${arrivalMaxWindow} as the sandbox stamped arrivals (with the HTTP hop's jitter)`,
    );
    console.log(`  all done in   ${ms(elapsedMs)} (sends spanned ${span.toFixed(1)} s; ${texts} / ${cap} = ${(texts / cap).toFixed(0)} s at the cap)`);
    console.log(`  request → sent       p50 ${ms(percentile(toSent, 50))}   p99 ${ms(percentile(toSent, 99))}`);
    console.log(`  request → delivered  p50 ${ms(percentile(toDelivered, 50))}   p99 ${ms(percentile(toDelivered, 99))}`);
    console.log(`  (a queue of ${texts} at ${cap}/s puts the last text ~${(texts / cap).toFixed(0)} s behind the first: latency here is mostly the cap)`);
    const cpuMsPerText = (part: keyof ReturnType<typeof cpuNow>) => {
      const [before, after] = [cpuBefore[part], cpuAfter[part]];
      return before === null || after === null ? null : ((after - before) * 1000) / texts;
    };
    const cpuParts = [
      ["app (next start)", cpuMsPerText("app")],
      ["executor", cpuMsPerText("executor")],
      ["this process (sandbox, pg proxies, polling)", cpuMsPerText("bench")],
      ["PostgreSQL backends", cpuMsPerText("postgres")],
    ] as const;
    const cpuTotal = cpuParts.reduce((sum, [, v]) => sum + (v ?? 0), 0);
    const servedTotal = served.reduce((a, c) => a + c.requests, 0);
    const madeTotal = made.reduce((a, c) => a + c.requests, 0);
    const appMs = cpuMsPerText("app") ?? NaN;
    const floorMs = (servedTotal / texts) * healthCpuMs;
    console.log(
      `  HTTP per text (counted by proxies in front of the app and of the engine):\n` +
        `    served by the app  ${perText(servedTotal)}  (${served.map((c) => `${c.path} ${perText(c.requests)}`).join(", ")})\n` +
        `    made to the engine ${perText(madeTotal)}  (${made.map((c) => `${c.path} ${perText(c.requests)}`).join(", ")}); ` +
        `to Twilio ${perText(twilioCreates)}`,
    );
    const backToBackFloorMs = (servedTotal / texts) * healthBackToBackCpuMs;
    console.log(
      `  the app's cost against its floor: GET /api/health × ${arrivals.length} on the same server, each sent at the moment one of the ` +
        `app's requests arrived in scenario 1 = ${healthCpuMs.toFixed(3)} ms of CPU a request ` +
        `(the lower of two passes, before and after the replays below: ${healthPasses.map((ms) => ms.toFixed(3)).join(" and ")});\n` +
        `    floor = ${perText(servedTotal)} requests served × ${healthCpuMs.toFixed(3)} ms = ${floorMs.toFixed(2)} ms a text; ` +
        `app ${appMs.toFixed(1)} ms a text = ${(appMs / floorMs).toFixed(2)} × the floor (target ≤ 2 ×: ${appMs <= 2 * floorMs ? "met" : "missed"});\n` +
        `    health × ${healthRequests} back to back, 8 at a time (the server saturated, several requests a turn of its event loop) = ` +
        `${healthBackToBackCpuMs.toFixed(3)} ms a request: against that price the app is ${(appMs / backToBackFloorMs).toFixed(2)} ×;\n` +
        `    counting the requests it makes too (${perText(madeTotal + twilioCreates)} a text, each priced like a health request): ` +
        `${(((servedTotal + madeTotal + twilioCreates) / texts) * healthCpuMs).toFixed(2)} ms, ` +
        `${(appMs / (((servedTotal + madeTotal + twilioCreates) / texts) * healthCpuMs)).toFixed(2)} ×`,
    );
    const servedOn = (path: string) => (served.find((c) => c.path === path)?.requests ?? 0) / texts;
    const [callbacksPerText, engineCallsPerText] = [servedOn(STATUS_WEBHOOK_PATH), servedOn(ENGINE_PATH)];
    const requestsAloneMs = callbacksPerText * callbackCpuMs + engineCallsPerText * engineCallCpuMs;
    const stepsMs = appMs - requestsAloneMs;
    const stepsBudgetMs = 2 * floorMs - requestsAloneMs;
    const ofHealth = (cpuMs: number) => `${cpuMs.toFixed(3)} ms = ${(cpuMs / healthCpuMs).toFixed(2)} × health`;
    console.log(
      `  where the app's CPU a text goes (each kind replayed at the same moments as health, so only the request runs):\n` +
        `    a status callback, replayed (checked, stored, found already applied)   ${ofHealth(callbackCpuMs)}\n` +
        `    an engine call, replayed from its memo (signature, SDK, no step runs)  ${ofHealth(engineCallCpuMs)}\n` +
        `    the requests alone: ${callbacksPerText.toFixed(2)} × ${callbackCpuMs.toFixed(3)} + ${engineCallsPerText.toFixed(2)} × ${engineCallCpuMs.toFixed(3)} = ` +
        `${requestsAloneMs.toFixed(2)} ms a text = ${(requestsAloneMs / floorMs).toFixed(2)} × the floor, before any step does its work;\n` +
        `    the steps' own work (their statements, the Twilio call, the event): ${appMs.toFixed(1)} − ${requestsAloneMs.toFixed(2)} = ${stepsMs.toFixed(2)} ms a text;\n` +
        `    ≤ 2 × the floor leaves the steps ${stepsBudgetMs.toFixed(2)} ms a text (${((stepsBudgetMs / stepsMs) * 100).toFixed(0)} % of what they cost here)`,
    );
    console.log(
      `  CPU per text, scenario 1 (/proc): ${cpuParts.map(([name, v]) => `${name} ${v === null ? "n/a" : v.toFixed(1)} ms`).join(", ")}` +
        ` = ${cpuTotal.toFixed(1)} ms;\n  so ${cpus().length} cores sustain about ${((cpus().length * 1000) / cpuTotal).toFixed(0)} texts/s of this whole stack from request to delivered,` +
        ` and one app process (Node runs a request at a time) about ${(1000 / (cpuMsPerText("app") ?? NaN)).toFixed(0)} texts/s` +
        ` (in production Twilio, the engine and the database run elsewhere)`,
    );
    console.log(
      `  database round trips per text (counted by a wire-protocol proxy: one per Sync or simple Query):\n` +
        `    send path (send-sms + dispatch, in the app) ${perText(sum(sendPath))}   (target ≤ 6; the original plan: ~6 queries + 3 updates)\n` +
        `    status callbacks (webhook, batched)         ${perText(sum(callbackPath))}\n` +
        `    request (requestSmsBatch, 1,000 per batch)  ${perText(requestTrips)}`,
    );
    for (const c of appCounts.slice(0, 12)) {
      console.log(`      ${perText(c.trips).padStart(6)}  ${isCallbackStatement(c.sql) ? "callback" : "send    "}  ${describeStatement(c.sql)}`);
    }
    console.log(`  exactly one sandbox text per row: ${duplicated === 0 && lost === 0 ? "OK" : "FAILED"} (lost ${lost}, duplicated ${duplicated})`);
    if (timedOut) console.log(`  TIMED OUT before every text was final: ${rows.filter((r) => r.status !== "delivered").length} not delivered`);

    console.log(`\nscenario 2: ${held} texts held through quiet hours, woken at once when the window closed (${new Date(windowEnd).toISOString()})`);
    console.log(`  sent while held: ${sentWhileHeld} (expected 0)`);
    console.log(
      `  busiest second after waking: ${heldMaxWindow} texts at the moment of sending (cap ${cap}: ${heldMaxWindow <= cap ? "OK, never above" : "EXCEEDED"}); ` +
        `${heldArrivalMaxWindow} as the sandbox stamped arrivals`,
    );
    console.log(`  drained ${heldTimes.length} texts in ${heldSpan.toFixed(1)} s = ${((heldTimes.length - 1) / heldSpan).toFixed(1)} texts/s; all done ${ms(Date.now() - wokeAt)} after waking`);
    console.log(`  exactly one sandbox text per row: ${heldDuplicated === 0 && heldLost === 0 ? "OK" : "FAILED"} (lost ${heldLost}, duplicated ${heldDuplicated})`);
    if (heldTimedOut) console.log(`  TIMED OUT before every held text was final`);

    const ok =
      lost === 0 && duplicated === 0 && heldLost === 0 && heldDuplicated === 0 && maxWindow <= cap && heldMaxWindow <= cap && sentWhileHeld === 0;
    console.log(ok ? "\nstate check: OK" : "\nstate check: FAILED");
    await cleanup();
    process.exit(ok ? 0 : 1);
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
