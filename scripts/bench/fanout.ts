/**
 * npm run bench:fanout [postgres://…] — the daily brief fan-out for 25k, 50k and 100k users on
 * PostgreSQL, beside a plain batched `INSERT … ON CONFLICT DO NOTHING` of the same rows (1,000 per
 * statement) in the same run.
 *
 * The fan-out is the cron's own code: every page of the daily-brief sweep, each requested as one
 * batch through the request service, exactly as the cron's steps run them. Its events go to a
 * JobSender that only counts them: the durable engine is not what is measured. Each measurement
 * runs in its own child process, so its peak RSS is its own.
 *
 * Prints per size: wall time of both, their ratio (target ≤ 5×), database round trips per message,
 * events counted, and the fan-out's peak RSS (flat in the number of users).
 *
 * Database: the URL argument, else BENCH_DATABASE_URL, else TEST_DATABASE_URL. A database named
 * bench_fanout is created on that server (and dropped at the end).
 * Env: BENCH_FANOUT_SIZES (25000,50000,100000).
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { DateTime } from "luxon";
import postgres from "postgres";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { NOTHING_DUE_FOCUS } from "@/server/daily-brief/main-focus";
import { requestDueBriefs } from "@/server/daily-brief/request";
import type { BriefCursor } from "@/server/daily-brief/sweep";
import type { JobSender } from "@/server/jobs/define";
import { SWEEP_PAGE_SIZE } from "@/server/jobs/crons";
import { systemContext } from "@/server/service-context";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";

const DATABASE = "bench_fanout";
const BATCH = 1_000;
const ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham"];

/** The tick every seeded brief falls in: tomorrow 12:00 UTC (in the future, so every brief is live). */
function tickInstant(): Date {
  const tomorrow = new Date(Date.now() + 24 * 3600_000);
  return new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), 12, 0));
}

const userId = (i: number) => `bench-${i.toString().padStart(7, "0")}`;
const phone = (i: number) => `+1555${(1_000_000 + i).toString().slice(-7)}`;

function adminUrl(): string {
  const url = process.argv.slice(2).find((a) => /^postgres(ql)?:\/\//.test(a)) ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("Give a PostgreSQL URL (argument, BENCH_DATABASE_URL or TEST_DATABASE_URL)");
  return url;
}

function databaseUrl(): string {
  const target = new URL(adminUrl());
  target.pathname = `/${DATABASE}`;
  return target.toString();
}

/** A drizzle handle like the app's, counting every statement sent (round trips). */
function openCounted(url: string) {
  const counter = { queries: 0 };
  const client = postgres(url, { max: 10, onnotice: () => {}, debug: () => void counter.queries++ });
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
  return { db, client, counter };
}

// ── parent: prepare, run the children, report ────────────────────────────────

async function prepare(size: number) {
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const { db, client } = openCounted(databaseUrl());
  await migrate(drizzle({ client, schema, casing: "snake_case" }), { migrationsFolder: "db/migrations" });
  for (const template of DEFAULT_TEMPLATES) await ensureTemplate(db, template);

  const tick = tickInstant();
  const verifiedAt = new Date(Date.now() - 86_400_000).toISOString();
  for (let start = 0; start < size; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, size - start) }, (_, k) => start + k);
    await client`insert into users ${client(ids.map((i) => ({ id: userId(i), name: "Bench", email: `${userId(i)}@bench.test` })))}`;
    await client`insert into user_sms_preferences ${client(
      ids.map((i) => {
        const zone = ZONES[i % ZONES.length]!;
        // Brief times spread over the ten minutes after the tick, in each user's own zone.
        const local = DateTime.fromJSDate(new Date(tick.getTime() + (i % 10) * 60_000), { zone }).toFormat("HH:mm");
        return { user_id: userId(i), phone: phone(i), phone_verified_at: verifiedAt, time_zone: zone, daily_brief: true, daily_brief_time: local };
      }),
    )}`;
    // Every other user has tasks, so the main-focus lookup does real work.
    const taskRows = ids
      .filter((i) => i % 2 === 0)
      .flatMap((i) => [
        { user_id: userId(i), title: `Quarterly report ${i}`, priority: "high", due_at: new Date(tick.getTime() + 3 * 3600_000).toISOString() },
        { user_id: userId(i), title: `Call supplier ${i}`, priority: "normal", due_at: new Date(tick.getTime() - 86_400_000).toISOString() },
      ]);
    await client`insert into tasks ${client(taskRows)}`;
  }
  await client.unsafe(`create table bench_plain_messages (like sms_messages including all)`);
  await client.unsafe(`vacuum analyze`);
  await client.end();
  return tick;
}

interface ChildResult {
  ms: number;
  maxRssMb: number;
  queries: number;
  rows: number;
  events?: number;
  sends?: number;
  pages?: number;
}

function runChild(mode: "plain" | "fanout", size: number, tick: Date): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", mode, String(size), tick.toISOString(), adminUrl()], {
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("message", (m) => resolve(m as ChildResult));
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`${mode} child exited with ${code}`))));
  });
}

async function verify(size: number) {
  const client = postgres(databaseUrl(), { max: 1, onnotice: () => {} });
  const [row] = await client`
    select (select count(*) from sms_messages where status = 'pending' and dedupe_key like 'daily_brief:%')::int as messages,
           (select count(*) from sms_message_events)::int as events,
           (select count(*) from bench_plain_messages)::int as plain`;
  await client.end();
  if (row!.messages !== size || row!.events !== size || row!.plain !== size) {
    throw new Error(`check failed for ${size} users: ${JSON.stringify(row)}`);
  }
  return row!;
}

async function parent() {
  const sizes = (process.env.BENCH_FANOUT_SIZES ?? "25000,50000,100000").split(",").map(Number);
  console.log("bench:fanout — daily brief for N users on PostgreSQL (fan-out = the cron's sweep + request service, one page per step)");
  console.log("events go to a JobSender that counts them: the durable engine is not measured\n");
  const header = ["users", "plain insert", "fan-out", "ratio", "round trips/msg", "events (sends)", "fan-out peak RSS", "plain peak RSS"];
  const lines: string[][] = [];
  for (const size of sizes) {
    const tick = await prepare(size);
    const plain = await runChild("plain", size, tick);
    const fanout = await runChild("fanout", size, tick);
    await verify(size);
    lines.push([
      size.toLocaleString("en-US"),
      `${(plain.ms / 1000).toFixed(2)} s`,
      `${(fanout.ms / 1000).toFixed(2)} s`,
      `${(fanout.ms / plain.ms).toFixed(2)}×`,
      (fanout.queries / fanout.rows).toFixed(4),
      `${fanout.events} (${fanout.sends})`,
      `${fanout.maxRssMb.toFixed(0)} MB`,
      `${plain.maxRssMb.toFixed(0)} MB`,
    ]);
    console.log(`  ${size} users done: rows, events and plain rows checked`);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const row = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c]!)).join("  ");
  console.log(`\n${row(header)}\n${lines.map(row).join("\n")}`);
  console.log(`\ntarget: fan-out ≤ 5× the plain insert (rows + events vs rows only), peak RSS flat across sizes`);
  if (process.env.BENCH_FANOUT_KEEP === "1") return; // left for profiling a child by hand
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
}

// ── children: one measurement each ───────────────────────────────────────────

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/** The baseline: the same rows the fan-out writes, 1,000 per multi-row INSERT … ON CONFLICT DO NOTHING. */
async function plainChild(size: number, tick: Date) {
  const { client, counter } = openCounted(databaseUrl());
  const [version] = await client`select v.id as version_id, t.id as template_id from sms_templates t
    join sms_template_versions v on v.template_id = t.id and v.version = t.current_version where t.key = 'daily_brief_ready'`;
  const localDate = (i: number) => DateTime.fromJSDate(tick, { zone: ZONES[i % ZONES.length]! }).toISODate();
  counter.queries = 0;
  const started = performance.now();
  for (let start = 0; start < size; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, size - start) }, (_, k) => {
      const i = start + k;
      const focus = i % 2 === 0 ? `Quarterly report ${i} (due 3:00 PM)` : NOTHING_DUE_FOCUS;
      return {
        id: randomUUID(),
        user_id: userId(i),
        to: phone(i),
        body: `BuildOS: your daily brief is ready. Key focus: ${focus}. Open the app for details.`,
        template_id: version!.template_id,
        template_version_id: version!.version_id,
        template_vars: JSON.stringify({ main_focus: focus }),
        category: "daily_brief",
        priority: "low",
        status: "pending",
        scheduled_for: new Date(tick.getTime() + (i % 10) * 60_000).toISOString(),
        valid_until: new Date(tick.getTime() + 86_400_000).toISOString(),
        segments: 1,
        encoding: "GSM-7",
        dedupe_key: `daily_brief:${userId(i)}:${localDate(i)}`,
        created_at: tick.toISOString(),
        updated_at: tick.toISOString(),
      };
    });
    await client`insert into bench_plain_messages ${client(rows)} on conflict do nothing`;
  }
  const ms = performance.now() - started;
  const queries = counter.queries;
  await client.end();
  return { ms, maxRssMb: maxRssMb(), queries, rows: size };
}

/** The fan-out, as the daily-brief cron runs it (minus the engine). */
async function fanoutChild(size: number, tick: Date) {
  const { db, client, counter } = openCounted(databaseUrl());
  const events = { events: 0, sends: 0 };
  const jobs: JobSender = {
    async send(batch) {
      events.sends += 1;
      events.events += batch.length;
    },
  };
  const ctx = systemContext(db, jobs, "bench");
  counter.queries = 0;
  const started = performance.now();
  let rows = 0;
  let pages = 0;
  let after: BriefCursor | null = null;
  do {
    const page = await requestDueBriefs(ctx, { now: tick, after, limit: SWEEP_PAGE_SIZE });
    rows += page.counts.created;
    pages += 1;
    // What crosses an Inngest step boundary is JSON: round-trip the cursor the same way.
    after = page.next ? (JSON.parse(JSON.stringify(page.next)) as BriefCursor) : null;
  } while (after);
  const ms = performance.now() - started;
  const queries = counter.queries;
  await client.end();
  if (rows !== size) throw new Error(`fan-out created ${rows} of ${size}`);
  return { ms, maxRssMb: maxRssMb(), queries, rows, pages, ...events };
}

async function child(mode: string, size: number, tick: Date) {
  const result = mode === "plain" ? await plainChild(size, tick) : await fanoutChild(size, tick);
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result)); // run by hand (e.g. under --cpu-prof)
}

const childIndex = process.argv.indexOf("--child");
if (childIndex >= 0) {
  const [mode, size, tick] = process.argv.slice(childIndex + 1);
  child(mode!, Number(size), new Date(tick!)).catch((error) => {
    console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
    process.exit(1);
  });
} else {
  parent().catch((error) => {
    console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
    process.exit(1);
  });
}
