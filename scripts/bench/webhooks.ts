/**
 * npm run bench:webhooks — signed Twilio status callbacks against `next start` on PostgreSQL.
 *
 * Prints callbacks/s, p50 and p99 beside a bare route handler (POST, read body, 200) on the
 * same server in the same run, then checks the database: every message that was sent a
 * `delivered` callback is delivered, nothing regressed, no duplicate events.
 *
 * Env: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else Debian's PostgreSQL is started),
 *      BENCH_CONNECTIONS (32), BENCH_SECONDS (10), BENCH_MESSAGES (2000), BENCH_PORT (3200).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import twilio from "twilio";
import { openDb } from "@/db/client";
import { smsMessages, users } from "@/db/schema";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "@/local/twilio-sandbox/credentials";
import { startNextServer } from "./lib/next-server";
import { ensureWrk, runWrk, type WrkResult } from "./lib/wrk";

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const messageCount = Number(process.env.BENCH_MESSAGES ?? 2000);
const port = Number(process.env.BENCH_PORT ?? 3200);
const workDir = path.resolve("bench-results");

function adminUrl(): string {
  const configured = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (configured) return configured;
  return execFileSync("bash", ["scripts/start-postgres.sh", "buildos_test"], { encoding: "utf8" }).trim();
}

async function freshDatabase(url: string, name: string) {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

function sid(i: number) {
  return `SM${i.toString(16).padStart(32, "0")}`;
}

async function main() {
  ensureWrk();
  mkdirSync(workDir, { recursive: true });
  const databaseUrl = await freshDatabase(adminUrl(), "bench_webhooks");
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
  const statusPath = "/api/webhooks/twilio/status";
  // Each message gets `sent` then `delivered`; wrk cycles through the list, so later rounds are duplicates.
  const callbacks = Array.from({ length: messageCount }, (_, i) => i).flatMap((i) =>
    ["sent", "delivered"].map((status) => {
      const params = { AccountSid: SANDBOX_ACCOUNT_SID, MessageSid: sid(i), SmsSid: sid(i), MessageStatus: status, SmsStatus: status, To: "+15555550100", From: "+15005550006", ApiVersion: "2010-04-01" };
      const signature = twilio.getExpectedTwilioSignature(SANDBOX_AUTH_TOKEN, `${publicUrl}${statusPath}`, params);
      return { signature, path: statusPath, body: new URLSearchParams(params).toString() };
    }),
  );
  const bare = callbacks.map((c) => ({ ...c, path: "/api/bench/bare" }));

  const server = await startNextServer(port, {
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: publicUrl,
    INNGEST_DEV: "1",
    BENCH_BARE_ROUTE: "1",
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  });
  let bareResult: WrkResult;
  let statusResult: WrkResult;
  try {
    const common = { connections, threads: 2, seconds, workDir };
    runWrk({ ...common, seconds: 3, url: publicUrl, requests: bare, name: "warmup-bare" });
    runWrk({ ...common, seconds: 3, url: publicUrl, requests: callbacks.slice(0, 10), name: "warmup-status" });
    bareResult = runWrk({ ...common, url: publicUrl, requests: bare, name: "bare" });
    statusResult = runWrk({ ...common, url: publicUrl, requests: callbacks, name: "status" });
  } finally {
    await server.stop();
  }

  const check = postgres(databaseUrl, { max: 1 });
  const [counts] = await check<{ delivered: string; not_delivered: string; events: string; dup_events: string }[]>`
    select
      count(*) filter (where status = 'delivered') as delivered,
      count(*) filter (where status <> 'delivered') as not_delivered,
      (select count(*) from sms_message_events) as events,
      (select count(*) from (select message_id, status from sms_message_events group by 1, 2 having count(*) > 1) d) as dup_events
    from sms_messages`;
  await check.end();
  await handle.close();

  const cycles = statusResult.requests / callbacks.length;
  const row = (name: string, r: WrkResult) =>
    `${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50ms.toFixed(1).padStart(6)} ms   p99 ${r.p99ms.toFixed(1).padStart(6)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(`\nbench:webhooks — ${connections} connections, ${seconds}s each, next start + PostgreSQL, ${messageCount} messages`);
  console.log(row("bare route (baseline)", bareResult));
  console.log(row("signed status callbacks", statusResult));
  console.log(`ratio: ${((statusResult.rps / bareResult.rps) * 100).toFixed(1)} % of the bare route (target ≥ 90 %; p99 target < 100 ms)`);
  console.log(`callback list replayed ${cycles.toFixed(2)}× (rounds after the first are duplicates)`);
  const allSent = cycles >= 1;
  const lost = allSent ? Number(counts!.not_delivered) : NaN;
  console.log(
    `database: ${counts!.delivered} delivered, ${counts!.not_delivered} not delivered, ${counts!.events} events, ${counts!.dup_events} duplicate events`,
  );
  if (!allSent) console.log("note: the run was too short to send every callback once; lengthen BENCH_SECONDS to check for losses");
  const ok = statusResult.non2xx === 0 && statusResult.errors === 0 && Number(counts!.dup_events) === 0 && (!allSent || lost === 0);
  console.log(ok ? "state check: OK (nothing lost, nothing regressed, no duplicate events)" : "state check: FAILED");
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
