/**
 * npm run soak — a chaos soak through the whole stack (issue 18): the production build as two
 * `next start` instances behind a round-robin front, the local executor and the Twilio sandbox
 * as processes of their own, PostgreSQL; users, texts and faults through public surfaces only;
 * then an audit of the database, the sandbox's record and the soak's own log. Prints the
 * faults injected by kind and one row per invariant; exits 1 if any is broken.
 *
 *   npm run soak                                  short profile (CI: a few hundred texts, minutes)
 *   npm run soak -- --profile long                ≥ 10,000 texts, every fault class ≥ 20 times
 *   npm run soak -- --seed 42 --users 30 --texts 400 --duration 120 --fault-scale 2
 *   npm run soak -- --reuse-build 1               reuse .next (else `next build` runs first)
 *
 * SOAK_REPORT=<file> writes the invariants as JSON (scripts/test-all.sh counts them).
 * Needs TEST_DATABASE_URL (or BENCH_DATABASE_URL): a PostgreSQL server where the soak makes
 * fresh databases soak_app and soak_engine. Ports: apps 3600 and 3610, front 3620, sandbox
 * 3630 (its tap 3631), executor 3640. Logs of the stand-ins: .data/soak/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { executorApi, sandboxApi } from "./api";
import { FINAL_STATUSES } from "@/common/message-status";
import { quietHoursEnd } from "@/server/sms/quiet-hours";
import { audit, type Invariant } from "./audit";
import { Chaos } from "./chaos";
import { FAULT_KINDS, parseProfile } from "./profiles";
import { seededRandom } from "./random";
import type { QuietPrefs, RunRecord } from "./record";
import { ensureBuild, startStack, type Stack } from "./stack";
import { Workload, type Action } from "./workload";

const MINUTE = 60_000;

const argv = process.argv.slice(2);
const reuseIndex = argv.indexOf("--reuse-build");
const reuseBuild = reuseIndex >= 0 || process.env.SOAK_REUSE_BUILD === "1";
if (reuseIndex >= 0) argv.splice(reuseIndex, argv[reuseIndex + 1] === "1" ? 2 : 1);
const profile = parseProfile(argv);
const rerun = `npm run soak -- --profile ${profile.name} --seed ${profile.seed}`;

async function runActions(actions: Action[], startedAt: number, errors: Map<string, number>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (const action of actions) {
    const wait = startedAt + action.at - Date.now();
    if (wait > 0) await sleep(wait);
    // Bounded: never more than 64 calls of the work in flight.
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const running: Promise<void> = action
      .run()
      .catch((error: unknown) => {
        const key = `${action.name}: ${((error as Error).message ?? String(error)).replace(/[0-9a-f-]{36}/g, "…").slice(0, 120)}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      })
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);
}

async function nonFinal(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from sms_messages where status::text not in ${sql(FINAL_STATUSES)}`;
  return row?.n ?? 0;
}

/**
 * After the faults stop: wait for the work to drain, then fire the crons on demand by moving the
 * executor's clock to just past the next 10-minute tick (reconcile-messages, task reminders and
 * briefs all fire), twice more past reconciliation's waits (an unknown send is looked up after
 * 15 minutes, a silent one after 30). Only after every quiet window of the run has closed, so
 * moving the engine's clock wakes nothing early.
 */
async function settle(stack: Stack, sql: postgres.Sql, boundMs: number, lastWindowClosesAt: number): Promise<number> {
  const started = Date.now();
  const deadline = started + boundMs;
  const engine = executorApi(stack.executorUrl, stack.eventKey);
  const quietFor = async (ms: number) => {
    let last = -1;
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      const n = await nonFinal(sql);
      if (n === 0) return;
      if (n !== last) {
        last = n;
        stableSince = Date.now();
      } else if (Date.now() - stableSince > ms) return;
      await sleep(1_000);
    }
  };
  await quietFor(20_000);
  if (Date.now() < lastWindowClosesAt) await sleep(Math.min(lastWindowClosesAt - Date.now(), Math.max(0, deadline - Date.now())));
  for (const jump of [0, 20 * MINUTE, 35 * MINUTE]) {
    const { now } = await engine.clock();
    const target = Math.ceil((new Date(now).getTime() + jump) / (10 * MINUTE)) * 10 * MINUTE + 5_000;
    await engine.advanceTo(new Date(target));
    await sleep(3_000);
    await quietFor(8_000);
  }
  while (Date.now() < deadline && (await nonFinal(sql)) > 0) await sleep(1_000);
  return Date.now() - started;
}

/** When every user's quiet hours (as last set) have closed, with none to open again soon. */
function quietWindowsClosed(record: RunRecord): number {
  const current = new Map<string, QuietPrefs>();
  for (const change of record.prefs) current.set(change.userId, change.prefs);
  const open = (at: number) =>
    [...current.values()].some(
      (p) => p.quietHoursEnabled && quietHoursEnd(new Date(at), { start: p.quietHoursStart, end: p.quietHoursEnd, timeZone: p.timeZone }) !== null,
    );
  // The windows the soak sets open and close within minutes of the work: the last moment in the
  // next ten minutes that one is open (a window set to open later counts too).
  const now = Date.now();
  let last = now;
  for (let at = now; at <= now + 10 * MINUTE; at += 5_000) if (open(at)) last = at;
  return last + 5_000;
}

function printTable(invariants: Invariant[], faults: Map<string, number>) {
  console.log("\nfaults injected");
  for (const kind of FAULT_KINDS) console.log(`  ${kind.padEnd(26)} ${String(faults.get(kind) ?? 0).padStart(6)}`);
  console.log("\ninvariant".padEnd(64) + "checked".padStart(9) + "violations".padStart(12));
  for (const inv of invariants) {
    console.log(`${inv.violations === 0 ? "ok  " : "FAIL"} ${inv.name.padEnd(58)}${String(inv.checked).padStart(9)}${String(inv.violations).padStart(12)}`);
  }
  for (const inv of invariants.filter((i) => i.violations > 0)) {
    console.log(`\n${inv.name}:`);
    for (const example of inv.examples) console.log(`  - ${example}`);
  }
}

async function main() {
  const started = Date.now();
  console.log(`soak: profile ${profile.name}, seed ${profile.seed} (rerun: ${rerun}${reuseBuild ? " --reuse-build" : ""})`);
  console.log(`  ${profile.users} users, ${profile.texts} texts over ${profile.durationS} s, cap ${profile.maxPerSecond}/s`);
  await ensureBuild(reuseBuild);
  const stack = await startStack({ maxPerSecond: profile.maxPerSecond, logDir: ".data/soak" });
  const sql = postgres(stack.appDatabaseUrl, { max: 1, onnotice: () => {} });
  let failed = true;
  try {
    const random = seededRandom(profile.seed);
    const workload = new Workload(stack, profile, random);
    const setupStarted = Date.now();
    // Quiet windows are placed relative to when the work starts (after the users are set up).
    const workStartsAt = setupStarted + 20_000 + profile.users * 1_500;
    await workload.setUp(workStartsAt);
    console.log(`  ${profile.users} users signed up and verified in ${((Date.now() - setupStarted) / 1000).toFixed(0)} s`);
    const chaos = new Chaos(stack, profile, random, workload.record, sql);
    const actions = [...workload.plan(workStartsAt), ...chaos.plan()].sort((a, b) => a.at - b.at);
    if (Date.now() < workStartsAt) await sleep(workStartsAt - Date.now());
    const errors = new Map<string, number>();
    await runActions(actions, Math.min(Date.now(), workStartsAt), errors);
    await chaos.stop();
    console.log(`  work and faults done in ${((Date.now() - workStartsAt) / 1000).toFixed(0)} s; settling …`);
    for (const port of [3600, 3610]) if (!stack.upInstances().includes(port)) await stack.startApp(port);
    const lastWindowClosesAt = quietWindowsClosed(workload.record);
    const settledMs = await settle(stack, sql, profile.settleBoundS * 1000 + Math.max(0, lastWindowClosesAt - Date.now()), lastWindowClosesAt);
    await sandboxApi(stack.sandboxUrl).callbacksIdle();
    const { messages } = await sandboxApi(stack.sandboxUrl).messages();
    const { creates } = await stack.creates();
    writeFileSync(".data/soak/creates.json", JSON.stringify(creates));
    const invariants = await audit({ sql, record: workload.record, creates, sandboxMessages: messages, maxPerSecond: profile.maxPerSecond });
    const [{ n: total } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from sms_messages`;
    const byStatus = await sql<{ status: string; n: number }[]>`select status::text, count(*)::int as n from sms_messages group by 1 order by 2 desc`;
    console.log(`\n${total} texts (${workload.record.requested.length} requested by the soak; the rest reminders, briefs and account texts): ${byStatus.map((s) => `${s.status} ${s.n}`).join(", ")}`);
    console.log(`Twilio creates ${creates.length}; settled ${(settledMs / 1000).toFixed(0)} s after the faults stopped`);
    if (errors.size > 0) {
      console.log("calls of the work that failed (expected under faults):");
      for (const [what, n] of [...errors].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(n).padStart(5)} × ${what}`);
    }
    for (const [what, n] of workload.record.notes) console.log(`  note: ${what}: ${n}`);
    printTable(invariants, workload.record.faults);
    failed = invariants.some((i) => i.violations > 0);
    if (process.env.SOAK_REPORT) {
      mkdirSync(path.dirname(process.env.SOAK_REPORT), { recursive: true });
      const faults = Object.fromEntries(workload.record.faults);
      writeFileSync(process.env.SOAK_REPORT, JSON.stringify({ seed: profile.seed, profile: profile.name, faults, invariants }, null, 2));
    }
    console.log(`\n${failed ? "FAILED" : "passed"}: seed ${profile.seed}, ${((Date.now() - started) / 1000).toFixed(0)} s in all${failed ? `; rerun with: ${rerun}` : ""}`);
  } finally {
    await sql.end();
    await stack.stop();
  }
  process.exit(failed ? 1 : 0);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

main().catch((error: unknown) => {
  console.error(error);
  console.error(`soak: seed ${profile.seed}; rerun with: ${rerun}`);
  process.exit(1);
});
