/**
 * npm run bench:api — authenticated tRPC reads beside GET /api/health, on one `next start`
 * with PostgreSQL, in the same run.
 *
 * A user signs up over HTTP like a browser and keeps its cookies (the session token and
 * better-auth's short session cookie cache). wrk then replays, with those cookies, each of
 * `session.me`, `preferences.get` and `messages.list` (25 rows), alternating with the health
 * route for several rounds; the median ratio per read is reported, because one pair of runs
 * on a shared machine swings by ten points or more. Before every run the client re-reads its
 * session as a browser would (GET /api/auth/get-session), so the cookie cache it replays is
 * fresh — a browser gets it renewed on its next request after it lapses.
 *
 * It runs at each number of connections in BENCH_CONNECTIONS (8 and 32). The targets are judged
 * at 8: every read's p99 ≤ 2 × health's p99 and throughput ≥ 60 % of health's, each from the
 * same round (medians over the rounds). At 32, wrk keeps 32 requests in flight on a server that
 * runs one at a time, so the mean latency is 32 / throughput (Little's law) whatever the route
 * does: those figures are printed, not judged.
 *
 * Env: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else Debian's PostgreSQL is started),
 *      BENCH_CONNECTIONS (8,32), BENCH_SECONDS (10), BENCH_ROUNDS (5), BENCH_PORT (3210),
 *      BENCH_ONLY (one read by name, e.g. messages.list: health and that read only).
 */
import { mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { openDb } from "@/db/client";
import { smsMessages } from "@/db/schema";
import { generateEventKey, generateSigningKey } from "@/local/inngest-executor/signing";
import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";
import { CookieJar } from "@/tests/helpers/cookie-jar";
import { appEnvForLocalExecutor, appEnvForSandbox } from "../lib/stand-ins";
import { freshDatabase } from "./lib/database";
import { startNextServer } from "./lib/next-server";
import { ensureWrk, formatResult, median, runWrk, type WrkRequest, type WrkResult } from "./lib/wrk";

const connectionCounts = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);
/** The connections the targets are judged at. */
const judgedAt = 8;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const port = Number(process.env.BENCH_PORT ?? 3210);
const workDir = path.resolve("bench-results");
const targets = { ratioPercent: 60, p99TimesHealth: 2 };

/**
 * fetch with one retry when the server had closed the idle keep-alive connection the client
 * picked (Node closes idle sockets after 5 s; the client sits idle while wrk runs).
 */
async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return fetch(url, init);
  }
}

const trpcGet = (procedure: string, input?: unknown) =>
  `/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`;

const reads = [
  { name: "session.me", path: trpcGet("session.me") },
  { name: "preferences.get", path: trpcGet("preferences.get") },
  { name: "messages.list", path: trpcGet("messages.list", { limit: 25 }) },
].filter((r) => !process.env.BENCH_ONLY || r.name === process.env.BENCH_ONLY);

async function main() {
  ensureWrk();
  mkdirSync(workDir, { recursive: true });
  const databaseUrl = await freshDatabase("bench_api");
  const publicUrl = `http://127.0.0.1:${port}`;
  // A sandbox account and Inngest keys of its own; nothing runs behind them (only reads are measured).
  const inngestKeys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };
  const server = await startNextServer(port, {
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: publicUrl,
    ...appEnvForSandbox(generateSandboxCredentials(), "http://127.0.0.1:9"),
    ...appEnvForLocalExecutor(inngestKeys, "http://127.0.0.1:9"),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  });
  const handle = openDb({ kind: "postgres", url: databaseUrl, poolSize: 1 });
  type Measured = WrkResult & { cpuMs: number };
  type Round = { health: Measured; reads: Measured[] };
  const resultsAt = new Map<number, Round[]>(connectionCounts.map((c) => [c, []]));
  try {
    const jar = new CookieJar();
    const email = `bench-${Date.now()}@example.test`;
    const signUp = await request(`${publicUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: publicUrl },
      body: JSON.stringify({ name: "Bench", email, password: "bench-password-1" }),
    });
    if (!signUp.ok) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
    jar.store(signUp);
    const { user } = (await signUp.json()) as { user: { id: string } };
    await handle.db.insert(smsMessages).values(
      Array.from({ length: 25 }, (_, i) => ({
        userId: user.id,
        to: "+15555550100",
        body: `BuildOS: bench text ${i}`,
        category: "task_reminders" as const,
        status: "delivered" as const,
        dedupeKey: `bench-api:${i}`,
      })),
    );

    /** Re-reads the session like a browser, renewing the session cookie cache, and checks each read answers as this user. */
    const refreshSession = async () => {
      const response = await request(`${publicUrl}/api/auth/get-session`, { headers: { cookie: jar.header() } });
      jar.store(response);
      const session = (await response.json()) as { user?: { email?: string } } | null;
      if (session?.user?.email !== email) throw new Error("the bench client is not signed in");
    };
    await refreshSession();
    for (const read of reads) {
      const response = await request(`${publicUrl}${read.path}`, { headers: { cookie: jar.header() } });
      const body = await response.text();
      if (!response.ok) throw new Error(`${read.name} answered ${response.status}: ${body}`);
      if (read.name === "session.me" && !body.includes(email)) throw new Error(`session.me did not answer as the bench user: ${body}`);
    }

    const common = { url: publicUrl, threads: 2, workDir };
    /** A wrk run, plus the app server's CPU time per request over it. */
    const measure = (name: string, requests: WrkRequest[], connections: number, runSeconds = seconds): Measured => {
      const cpuBefore = server.cpuSeconds();
      const result = runWrk({ ...common, connections, seconds: runSeconds, requests, name });
      return { ...result, cpuMs: ((server.cpuSeconds() - cpuBefore) * 1000) / Math.max(1, result.requests) };
    };
    const authenticated = (p: string): WrkRequest[] => [{ method: "GET", path: p, headers: { cookie: jar.header() } }];
    const health = (): WrkRequest[] => [{ method: "GET", path: "/api/health" }];
    measure("warmup-health", health(), connectionCounts[0]!, 3);
    for (const read of reads) {
      await refreshSession();
      measure(`warmup-${read.name}`, authenticated(read.path), connectionCounts[0]!, 3);
    }
    // Connection counts alternate within each round, so both see the same stretch of the machine's load.
    for (let round = 0; round < rounds; round++) {
      for (const connections of connectionCounts) {
        const healthResult = measure("health", health(), connections);
        const readResults: Measured[] = [];
        for (const read of reads) {
          await refreshSession();
          readResults.push(measure(read.name, authenticated(read.path), connections));
        }
        resultsAt.get(connections)!.push({ health: healthResult, reads: readResults });
      }
    }
    console.log(`\nsession cookies the client replays: ${jar.names().join(", ")}`);
  } finally {
    await server.stop();
    await handle.close();
  }

  let ok = true;
  for (const [connections, results] of resultsAt) {
    const judged = connections === judgedAt;
    console.log(`\nbench:api — ${connections} connections, ${seconds}s each, ${rounds} rounds, next start + PostgreSQL, Node ${process.version}`);
    results.forEach((r, i) => {
      console.log(`round ${i + 1}:`);
      const cpu = (m: Measured) => `   app CPU ${m.cpuMs.toFixed(2)} ms/req`;
      console.log(formatResult("  GET /api/health (baseline)", r.health, 30) + cpu(r.health));
      reads.forEach((read, k) => {
        const result = r.reads[k]!;
        console.log(
          `${formatResult(`  ${read.name}`, result, 30)}${cpu(result)}   ${((result.rps / r.health.rps) * 100).toFixed(1)} %   ` +
            `p99 ${(result.p99ms / r.health.p99ms).toFixed(2)} × health's`,
        );
      });
    });
    console.log(
      judged
        ? `\nat ${connections} connections, medians over the rounds of each read against health in the same round (targets: throughput ≥ ${targets.ratioPercent} %, p99 ≤ ${targets.p99TimesHealth} × health's):`
        : `\nat ${connections} connections, medians over the rounds (printed, not judged: 32 requests in flight make the mean latency 32 / throughput):`,
    );
    reads.forEach((read, k) => {
      const ratios = results.map((r) => (r.reads[k]!.rps / r.health.rps) * 100);
      const p99Ratios = results.map((r) => r.reads[k]!.p99ms / r.health.p99ms);
      const runs = results.map((r) => r.reads[k]!);
      const failures = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
      const met = median(ratios) >= targets.ratioPercent && median(p99Ratios) <= targets.p99TimesHealth;
      ok &&= failures === 0;
      console.log(
        `  ${read.name.padEnd(16)} ${median(ratios).toFixed(1).padStart(5)} % of health's req/s (rounds: ${ratios.map((x) => x.toFixed(1)).join(", ")})   ` +
          `p99 ${median(runs.map((r) => r.p99ms)).toFixed(1)} ms = ${median(p99Ratios).toFixed(2)} × health's (rounds: ${p99Ratios.map((x) => x.toFixed(2)).join(", ")})   ` +
          `median ${median(runs.map((r) => r.rps)).toFixed(0)} req/s   ` +
          `app CPU ${median(runs.map((r) => r.cpuMs)).toFixed(2)} ms/req (health's is ${median(results.map((r, i) => (r.health.cpuMs / runs[i]!.cpuMs) * 100)).toFixed(0)} % of it)   ` +
          `${failures === 0 ? "" : `${failures} failed requests   `}${judged ? (met ? "target met" : "target missed") : ""}`,
      );
    });
    const healthRuns = results.map((r) => r.health);
    console.log(
      `  /api/health      median ${median(healthRuns.map((r) => r.rps)).toFixed(0)} req/s   p99 ${median(healthRuns.map((r) => r.p99ms)).toFixed(1)} ms   ` +
        `app CPU ${median(healthRuns.map((r) => r.cpuMs)).toFixed(2)} ms/req`,
    );
  }
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} (1/5/15 min) at the end`);
  if (!ok) console.log("some requests failed (non-2xx or socket errors): the figures above are not comparable");
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
