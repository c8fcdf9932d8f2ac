/**
 * npm run bench:webhooks — signed Twilio status callbacks against `next start` on PostgreSQL.
 *
 * Prints callbacks/s, p50 and p99 beside a bare route handler (POST, read body, 200) measured
 * in the same run, then checks the database: one event per callback, no duplicate events.
 *
 * Every callback is a fresh state change, as in production: BENCH_MESSAGES rows start as
 * `sending`, and the list wrk walks through takes them in blocks of 500 — `sent` for each row of
 * a block, then `delivered` for each — so no callback repeats one that came before (a block's
 * `delivered` follows its `sent` by 500 requests, far more than are ever in flight). The list
 * is longer than a round sends; a round that reached its end would replay it, and says so.
 * The two alternate for several rounds and the median ratio is reported: on a shared machine
 * a single pair of runs swings by ten points or more.
 *
 * The baseline. The product build has no benchmark route, so the bench builds a copy of the
 * app with more routes under app/api/bench/ (bench-results/baseline-app) and runs it beside the
 * product's own `next start`, on the same machine and database: `bare` (read the body, 200),
 * and two stages between it and the webhook (scripts/bench/lib/baseline-app.ts) — `verified`,
 * the webhook's own checks with nothing stored, and `stored`, those checks and then a plain
 * insert through the webhook's group-commit writer into a table with no index. So each round
 * also says what receiving a genuine callback costs, what the least storing before answering
 * costs, and how far the webhook is from that least. The webhook is
 * measured on the product build; the bare route on the copy, which runs the same Next
 * version, configuration and instrumentation. A bare Node http server would have been the
 * cheaper baseline but not a fair one: it skips Next's routing and request handling, which
 * every route handler pays and the webhook cannot avoid, so the ratio would measure Next
 * rather than the webhook.
 *
 * Env: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else Debian's PostgreSQL is started),
 *      BENCH_CONNECTIONS (8,32; the targets are judged at 8), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (10 a route),
 *      BENCH_ROUNDS (3), BENCH_MESSAGES (15000),
 *      BENCH_PORT (3200; the baseline copy listens on BENCH_PORT + 1), BENCH_REUSE_BASELINE
 *      (unset; 1 keeps a baseline copy an earlier run built, when nothing but the bench changed).
 */
import { existsSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import postgres from "postgres";
import twilio from "twilio";
import { openDb } from "@/db/client";
import { smsMessages, users } from "@/db/schema";
import { generateEventKey, generateSigningKey } from "@/local/inngest-executor/signing";
import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";
import { appEnvForLocalExecutor, appEnvForSandbox } from "../lib/stand-ins";
import { baselineAppHasStages, buildBaselineApp, STAGE_TABLE, STAGE_TABLE_DDL, stagePath } from "./lib/baseline-app";
import { freshDatabase } from "./lib/database";
import { machineCpuSeconds, postgresBackendsCpuSeconds } from "./lib/cpu";
import { startNextServer } from "./lib/next-server";
import { ensureWrk, formatResult, median, runWrk, type WrkRequest, type WrkResult } from "./lib/wrk";

const connectionCounts = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);
/** The connections the targets are judged at (at 32, Little's law sets the latency). */
const judgedAt = 8;
const targets = { ratioPercent: 90, p99ms: 100 };
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const messageCount = Number(process.env.BENCH_MESSAGES ?? 15000);
const BLOCK = 500;
const port = Number(process.env.BENCH_PORT ?? 3200);
const workDir = path.resolve("bench-results");

// This run's own sandbox account and Inngest keys (nothing runs behind them: the bench only posts callbacks).
const sandboxAccount = generateSandboxCredentials();
const inngestKeys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };

function sid(i: number) {
  return `SM${i.toString(16).padStart(32, "0")}`;
}

async function main() {
  ensureWrk();
  mkdirSync(workDir, { recursive: true });
  const baselineCopy = path.join(workDir, "baseline-app");
  const baselineDir =
    process.env.BENCH_REUSE_BASELINE === "1" && existsSync(path.join(baselineCopy, ".next/BUILD_ID")) && baselineAppHasStages(baselineCopy)
      ? baselineCopy
      : await buildBaselineApp(baselineCopy);
  const databaseUrl = await freshDatabase("bench_webhooks");
  const handle = openDb({ kind: "postgres", url: databaseUrl });
  await handle.migrate();
  const [user] = await handle.db
    .insert(users)
    .values({ id: "bench-user", email: "bench@example.test", name: "Bench" })
    .returning();
  for (let start = 0; start < messageCount; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, messageCount - start) }, (_, k) => ({
      userId: user!.id,
      to: "+15555550100",
      body: "BuildOS: bench",
      category: "task_reminders" as const,
      status: "sending" as const,
      twilioSid: sid(start + k),
      dedupeKey: `bench:${start + k}`,
    }));
    await handle.db.insert(smsMessages).values(rows);
  }

  const publicUrl = `http://127.0.0.1:${port}`;
  const baselineUrl = `http://127.0.0.1:${port + 1}`;
  const statusPath = "/api/webhooks/twilio/status";
  // Blocks of rows: `sent` for each row of a block, then `delivered` for each. Every callback moves its row.
  const order = Array.from({ length: Math.ceil(messageCount / BLOCK) }, (_, b) => b).flatMap((b) => {
    const rows = Array.from({ length: Math.min(BLOCK, messageCount - b * BLOCK) }, (_, k) => b * BLOCK + k);
    return ["sent", "delivered"].flatMap((status) => rows.map((i) => ({ i, status })));
  });
  /** The list, signed as Twilio would sign it for `path` on the server at `origin`. */
  const signedCallbacks = (origin: string, path: string) =>
    order.map(({ i, status }) => {
      const params = { AccountSid: sandboxAccount.accountSid, MessageSid: sid(i), SmsSid: sid(i), MessageStatus: status, SmsStatus: status, To: "+15555550100", From: "+15005550006", ApiVersion: "2010-04-01" };
      const signature = twilio.getExpectedTwilioSignature(sandboxAccount.authToken, `${origin}${path}`, params);
      const request: WrkRequest = {
        method: "POST",
        path,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
        body: new URLSearchParams(params).toString(),
      };
      return request;
    });
  const callbacks = signedCallbacks(publicUrl, statusPath);
  const bare = callbacks.map((c) => ({ ...c, path: stagePath("bare") }));
  const verified = signedCallbacks(baselineUrl, stagePath("verified"));
  const stored = signedCallbacks(baselineUrl, stagePath("stored"));

  const serverEnv = {
    DATABASE_URL: databaseUrl,
    ...appEnvForSandbox(sandboxAccount, "http://127.0.0.1:9"),
    ...appEnvForLocalExecutor(inngestKeys, "http://127.0.0.1:9"),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  };
  // One after the other: the first one migrates the database before the second starts.
  const server = await startNextServer(port, { ...serverEnv, PUBLIC_URL: publicUrl });
  const baseline = await startNextServer(port + 1, { ...serverEnv, PUBLIC_URL: baselineUrl }, baselineDir);
  type Counts = { sent: string; delivered: string; events: string; dup_events: string };
  type Measured = WrkResult & { cpuMs: number; postgresMs: number | null; machineBusyCores: number; machineMs: number };
  type Round = { connections: number; bare: Measured; verified: Measured; stored: Measured; status: Measured; counts: Counts };
  const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await check.unsafe(STAGE_TABLE_DDL);
  const results: Round[] = [];
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  /**
   * A wrk run, plus CPU time per request (from /proc): of the server it ran against, of the
   * database's PostgreSQL backends, and of the whole machine (wrk and everything else included),
   * and how many of the machine's cores were busy over the run.
   */
  const measure = (target: typeof server, requests: WrkRequest[], connections: number, name: string, runSeconds = seconds): Measured => {
    const before = { server: target.cpuSeconds(), postgres: postgresBackendsCpuSeconds(databaseName), machine: machineCpuSeconds() };
    const result = runWrk({ url: target.url, requests, connections, threads: 2, seconds: runSeconds, workDir, name });
    const postgresAfter = postgresBackendsCpuSeconds(databaseName);
    const machine = machineCpuSeconds();
    const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, result.requests);
    return {
      ...result,
      cpuMs: perRequest(target.cpuSeconds() - before.server),
      postgresMs: postgresAfter === null || before.postgres === null ? null : perRequest(postgresAfter - before.postgres),
      machineMs: perRequest(machine.busy - before.machine.busy),
      machineBusyCores: ((machine.busy - before.machine.busy) / (machine.total - before.machine.total)) * cpus().length,
    };
  };
  try {
    // Long enough for V8 to settle on the webhook's code: after 3 s the first round still cost a fifth more CPU a callback.
    for (const [target, requests, name] of [[baseline, bare, "bare"], [baseline, verified, "verified"], [baseline, stored, "stored"], [server, callbacks, "status"]] as const) {
      measure(target, requests, connectionCounts[0]!, `warmup-${name}`, warmupSeconds);
    }
    for (let round = 0; round < rounds; round++) {
      for (const connections of connectionCounts) {
        // Every run starts from the same state (all messages `sending`, no events), so each of
        // its callbacks is a fresh change, and it is checked on its own.
        await check`update sms_messages set status = 'sending', sent_at = null, delivered_at = null`;
        await check`delete from sms_message_events`;
        await check.unsafe(`truncate ${STAGE_TABLE}`);
        await check.unsafe(`vacuum analyze sms_messages, sms_message_events, ${STAGE_TABLE}`);
        const bareResult = measure(baseline, bare, connections, "bare");
        const verifiedResult = measure(baseline, verified, connections, "verified");
        const storedResult = measure(baseline, stored, connections, "stored");
        const statusResult = measure(server, callbacks, connections, "status");
        const [counts] = await check<Counts[]>`
          select
            count(*) filter (where status = 'sent') as sent,
            count(*) filter (where status = 'delivered') as delivered,
            (select count(*) from sms_message_events) as events,
            (select count(*) from (select message_id, status from sms_message_events group by 1, 2 having count(*) > 1) d) as dup_events
          from sms_messages`;
        results.push({ connections, bare: bareResult, verified: verifiedResult, stored: storedResult, status: statusResult, counts: counts! });
      }
    }
  } finally {
    await server.stop();
    await baseline.stop();
    await check.end();
    await handle.close();
  }

  const ratio = (r: Round) => (r.status.rps / r.bare.rps) * 100;
  let ok = true;
  let replayed = false;
  for (const connections of connectionCounts) {
    const judged = connections === judgedAt;
    const runs = results.filter((r) => r.connections === connections);
    console.log(
      `\nbench:webhooks — ${connections} connections, ${seconds}s each, ${rounds} rounds, next start + PostgreSQL, ${messageCount} messages, Node ${process.version}`,
    );
    runs.forEach((r, i) => {
      const cycles = r.status.requests / callbacks.length;
      const c = r.counts;
      // One event per callback the app answered; up to one per connection more, answered after wrk stopped counting.
      const events = Number(c.events);
      const oneEventEach = events >= r.status.requests && events <= r.status.requests + connections;
      const roundOk =
        [r.status, r.verified, r.stored].every((m) => m.non2xx === 0 && m.errors === 0) && Number(c.dup_events) === 0 && oneEventEach;
      ok &&= roundOk;
      replayed ||= cycles >= 1;
      console.log(`round ${i + 1}: ratio ${ratio(r).toFixed(1)} %`);
      const cpu = (m: Measured) =>
        `   server CPU ${m.cpuMs.toFixed(2)} ms/req, PostgreSQL ${m.postgresMs === null ? "?" : m.postgresMs.toFixed(2)}, machine ${m.machineMs.toFixed(2)} (${m.machineBusyCores.toFixed(2)} cores busy)`;
      console.log(`${formatResult("  bare route (baseline copy)", r.bare, 28)}${cpu(r.bare)}`);
      console.log(`${formatResult("  verified, not stored (copy)", r.verified, 28)}${cpu(r.verified)}`);
      console.log(`${formatResult("  verified + plain insert (copy)", r.stored, 28)}${cpu(r.stored)}`);
      console.log(`${formatResult("  signed status callbacks", r.status, 28)}${cpu(r.status)}`);
      console.log(
        `  ${r.status.requests} callbacks (${(cycles * 100).toFixed(0)} % of the list, each a fresh change); database: ${c.sent} sent, ${c.delivered} delivered, ` +
          `${c.events} events (one per callback: ${oneEventEach ? "yes" : "NO"}), ${c.dup_events} duplicate events — ${roundOk ? "OK" : "FAILED"}`,
      );
    });
    const ratios = runs.map(ratio);
    const p99 = median(runs.map((r) => r.status.p99ms));
    const ofBare = (m: (r: Round) => Measured) => median(runs.map((r) => (m(r).rps / r.bare.rps) * 100));
    const cpuOver = (m: (r: Round) => Measured) => median(runs.map((r) => (m(r).cpuMs - r.bare.cpuMs) * 1000));
    const met = median(ratios) >= targets.ratioPercent && p99 < targets.p99ms;
    console.log(
      `ratio: median ${median(ratios).toFixed(1)} % of the bare route (rounds: ${ratios.map((r) => r.toFixed(1)).join(", ")}); ` +
        `status p99 median ${p99.toFixed(1)} ms, worst ${Math.max(...runs.map((r) => r.status.p99ms)).toFixed(1)} (bare's median ${median(runs.map((r) => r.bare.p99ms)).toFixed(1)}); ` +
        `server CPU a request: callback ${median(runs.map((r) => r.status.cpuMs)).toFixed(2)} ms, bare ${median(runs.map((r) => r.bare.cpuMs)).toFixed(2)} ms ` +
        `(bare's is ${median(runs.map((r) => (r.bare.cpuMs / r.status.cpuMs) * 100)).toFixed(0)} % of it); ` +
        `machine CPU a request (every process): callback ${median(runs.map((r) => r.status.machineMs)).toFixed(2)} ms, bare ${median(runs.map((r) => r.bare.machineMs)).toFixed(2)} ms ` +
        `(bare's is ${median(runs.map((r) => (r.bare.machineMs / r.status.machineMs) * 100)).toFixed(0)} % of it: the ratio a saturated machine allows)` +
        (judged
          ? `\n  targets at ${connections} connections: ≥ ${targets.ratioPercent} %, p99 < ${targets.p99ms} ms — ${met ? "met" : "missed"}`
          : `\n  (printed, not judged: ${connections} requests in flight make the mean latency ${connections} / throughput)`),
    );
    console.log(
      `  where the difference goes (medians, % of bare's rate and server CPU a request beyond bare's): ` +
        `receiving a genuine callback (form, signature, account, report) ${ofBare((r) => r.verified).toFixed(1)} %, +${cpuOver((r) => r.verified).toFixed(0)} µs; ` +
        `then the least storing can be (a plain group-committed insert, no index) ${ofBare((r) => r.stored).toFixed(1)} %, +${cpuOver((r) => r.stored).toFixed(0)} µs; ` +
        `the webhook ${ofBare((r) => r.status).toFixed(1)} %, +${cpuOver((r) => r.status).toFixed(0)} µs ` +
        `(${median(runs.map((r) => (r.status.rps / r.stored.rps) * 100)).toFixed(1)} % of the plain insert's rate)`,
    );
  }
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} (1/5/15 min) at the end`);
  if (replayed) console.log("note: a round reached the end of the list and replayed callbacks (duplicates): raise BENCH_MESSAGES");
  console.log(ok ? "state check: OK (one event per callback, no duplicate events)" : "state check: FAILED");
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
