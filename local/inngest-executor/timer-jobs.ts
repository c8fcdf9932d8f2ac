import type { ExecutorContext } from "./context";
import { nextCronTime } from "./cron";
import { randomUlid } from "./ids";
import { resolvePendingStep, startRun } from "./lifecycle";
import { INTERNAL_EVENTS, type StoredEvent } from "./protocol";
import type { Sql } from "./store/db";
import { insertEvent } from "./store/events";
import { deleteJob, enqueueJob, jobKeys, listCronJobs, takeClaimedJob, type JobRecord } from "./store/jobs";
import { takeWait } from "./store/waits";

// Jobs that only change state (no app call): sleep wake-ups, timeouts and cron ticks.
// Each runs in one transaction that also deletes the job, so it takes effect exactly once.

export async function runTimerJob(ctx: ExecutorContext, job: JobRecord): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await takeClaimedJob(tx, job.id, job.leaseOwner ?? ""))) return;
    const runId = job.runId ?? "";
    const stepId = job.stepId ?? "";
    switch (job.kind) {
      case "sleep":
        if (await resolvePendingStep(tx, ctx, runId, stepId, { data: null })) {
          ctx.log.info({ run_id: runId, step_id: stepId }, "sleep finished");
        }
        return;
      case "wait_timeout":
        if ((await takeWait(tx, runId, stepId)) && (await resolvePendingStep(tx, ctx, runId, stepId, { data: null }))) {
          ctx.log.info({ run_id: runId, step_id: stepId }, "waitForEvent timed out");
        }
        return;
      case "invoke_timeout":
        await resolvePendingStep(tx, ctx, runId, stepId, {
          error: { name: "InngestInvokeTimeoutError", message: "Timed out waiting for the invoked function to complete" },
        });
        return;
      case "cron":
        await fireCron(tx, ctx, job);
        return;
      case "call":
        throw new Error("call jobs are not timer jobs");
    }
  });
  ctx.wakeQueue();
}

async function fireCron(tx: Sql, ctx: ExecutorContext, job: JobRecord): Promise<void> {
  const cron = job.stepId ?? "";
  const fn = ctx.registry.get(job.functionId ?? "");
  if (!fn || !fn.cronTriggers.includes(cron)) return; // unsynced since: drop the schedule
  const now = ctx.clock.now();
  const internalId = randomUlid(now);
  const event: StoredEvent = { id: internalId, name: INTERNAL_EVENTS.scheduledTimer, data: { cron }, ts: now };
  // Stored for the event log, but not routed: a cron tick belongs to its function only.
  await insertEvent(tx, internalId, event, now);
  await startRun(tx, ctx, fn, event);
  await scheduleCron(tx, ctx, fn.id, cron, now);
}

/** Enqueues the next tick of a cron trigger (no catch-up for ticks missed while time jumped). */
async function scheduleCron(tx: Sql, ctx: ExecutorContext, functionId: string, cron: string, afterMs: number) {
  const next = nextCronTime(cron, afterMs);
  if (next === null) return;
  await enqueueJob(
    tx,
    { dedupeKey: jobKeys.cron(functionId, cron), kind: "cron", functionId, stepId: cron, runAt: next },
    ctx.clock.now(),
  );
}

/** Makes the cron jobs match the synced functions: drop stale schedules, add missing ones. */
export async function reconcileCronJobs(tx: Sql, ctx: ExecutorContext): Promise<void> {
  const wanted = new Map<string, { functionId: string; cron: string }>();
  for (const fn of ctx.registry.all()) {
    for (const cron of fn.cronTriggers) wanted.set(jobKeys.cron(fn.id, cron), { functionId: fn.id, cron });
  }
  for (const job of await listCronJobs(tx)) {
    if (!wanted.delete(job.dedupeKey)) await deleteJob(tx, job.dedupeKey);
  }
  for (const { functionId, cron } of wanted.values()) {
    await scheduleCron(tx, ctx, functionId, cron, ctx.clock.now());
  }
}
