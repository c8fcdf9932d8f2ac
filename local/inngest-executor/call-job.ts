import { callUrl, postCallRequest, type CallOutcome } from "./app-client";
import { queueItemId } from "./checkpoint";
import type { ExecutorContext } from "./context";
import { endRun, isActive } from "./lifecycle";
import { applyOps } from "./ops";
import { DISCOVERY_STEP_ID, type CallRequestBody, type Memo, type SerializedError } from "./protocol";
import type { Sql } from "./store/db";
import { enqueueJob, takeClaimedJob, type JobRecord } from "./store/jobs";
import { lockRun, startRun, type RunRecord } from "./store/runs";
import { listSteps, recordStepAttemptError, type StepRecord } from "./store/steps";

// A `call` job: one call request to the app (no transaction or lock held while it is in flight),
// then one transaction that deletes the job and records what the app answered. If the executor dies
// in between, the job keeps its row and is called again after restart.

export type CallJobOptions = { callTimeoutMs: number };

export async function runCallJob(
  ctx: ExecutorContext,
  job: JobRecord,
  signal: AbortSignal,
  options: CallJobOptions,
): Promise<void> {
  const runId = job.runId ?? "";
  const stepId = job.stepId ?? DISCOVERY_STEP_ID;
  // The run (marked running if it was queued) and its memoized steps, read side by side.
  const [run, steps] = await Promise.all([startRun(ctx.db, runId, ctx.clock.now()), listSteps(ctx.db, runId)]);
  if (!run || !isActive(run)) {
    await ctx.db.transaction((tx) => takeClaimedJob(tx, job.id, job.leaseOwner ?? ""));
    return;
  }
  const fn = ctx.registry.get(run.functionId);
  if (!fn) {
    await recordOutcome(ctx, job, {
      kind: "error",
      error: { name: "Error", message: `function "${run.functionId}" is not synced` },
      retriable: false,
      retryAtMs: null,
      status: null,
      unreachable: false,
    });
    return;
  }

  const body = buildCallRequest(run, steps, job);
  const url = callUrl(fn.url, stepId);
  const startedAt = Date.now();
  ctx.log.debug({ run_id: run.id, step_id: stepId, attempt: job.attempt }, "call request");
  const outcome = await postCallRequest(url, body, {
    signal,
    timeoutMs: options.callTimeoutMs,
    nowMs: ctx.clock.now,
    signingKey: ctx.signingKey,
  });
  if (signal.aborted) return; // stopping: the leased job stays and is called again on the next start
  ctx.log.debug(
    { run_id: run.id, step_id: stepId, attempt: job.attempt, outcome: outcome.kind, ms: Date.now() - startedAt },
    "call answered",
  );
  await recordOutcome(ctx, job, outcome);
}

function buildCallRequest(run: RunRecord, stepRecords: StepRecord[], job: JobRecord): CallRequestBody {
  const steps: Record<string, Memo> = {};
  const stack: string[] = [];
  for (const step of stepRecords) {
    if (step.memo && step.completionSeq !== null) {
      steps[step.stepId] = step.memo;
      stack.push(step.stepId); // listSteps orders memoized steps by completion
    }
  }
  return {
    event: run.event,
    events: run.events,
    steps,
    ctx: {
      run_id: run.id,
      attempt: job.attempt,
      max_attempts: run.maxAttempts,
      disable_immediate_execution: run.die,
      use_api: false,
      stack: { stack, current: stack.length },
      // Checkpointing on, as Inngest has it for v4 SDKs (see checkpoint.ts).
      fn_id: run.functionId,
      qi_id: queueItemId(job),
    },
  };
}

async function recordOutcome(ctx: ExecutorContext, job: JobRecord, outcome: CallOutcome): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await takeClaimedJob(tx, job.id, job.leaseOwner ?? ""))) {
      ctx.log.info({ run_id: job.runId, step_id: job.stepId }, "call answer discarded: the job was cancelled meanwhile");
      return;
    }
    const run = await lockRun(tx, job.runId ?? "");
    if (!run || !isActive(run)) return;

    switch (outcome.kind) {
      case "completed":
        await endRun(tx, ctx, run, { status: "completed", output: outcome.output });
        return;
      case "ops":
        await applyOps(tx, ctx, run, job, outcome.ops, outcome.retryAtMs);
        return;
      case "error": {
        if (outcome.unreachable) {
          await retryUnreachable(tx, ctx, run, job, outcome.error);
          return;
        }
        const nextAttempt = job.attempt + 1;
        if (!outcome.retriable || nextAttempt >= run.maxAttempts) {
          await endRun(tx, ctx, run, { status: "failed", error: outcome.error });
          return;
        }
        // Function-level error (code outside steps threw, or the call failed): same job, next attempt.
        const now = ctx.clock.now();
        const runAt = outcome.retryAtMs ?? now + ctx.retryBackoffMs(nextAttempt);
        const stepId = job.stepId ?? DISCOVERY_STEP_ID;
        if (stepId !== DISCOVERY_STEP_ID) {
          await recordStepAttemptError(tx, { runId: run.id, stepId, name: stepId, op: "StepPlanned" }, outcome.error, now);
        }
        await enqueueJob(
          tx,
          {
            dedupeKey: job.dedupeKey,
            kind: "call",
            runId: run.id,
            stepId,
            attempt: nextAttempt,
            runAt,
            orderAt: runAt - run.prioritySec * 1_000,
          },
          now,
        );
        ctx.log.warn(
          { run_id: run.id, function_id: run.functionId, attempt: nextAttempt, status: outcome.status, error: outcome.error.message },
          "call failed, retry scheduled",
        );
        return;
      }
    }
  });
  ctx.wakeQueue();
}

const UNREACHABLE_MAX_DELAY_MS = 30_000;

/**
 * The app could not be reached at all (a dev server restarting, or not started yet). That says
 * nothing about the function, so the same attempt is called again later, backing off up to 30s,
 * until the app is back. Real-time delays: a stopped app does not care about the test clock.
 */
async function retryUnreachable(tx: Sql, ctx: ExecutorContext, run: RunRecord, job: JobRecord, error: SerializedError) {
  const previous = typeof job.payload.unreachable === "number" ? job.payload.unreachable : 0;
  const delayMs = Math.min(500 * 2 ** previous, UNREACHABLE_MAX_DELAY_MS);
  const runAt = ctx.clock.now() + delayMs;
  await enqueueJob(
    tx,
    {
      dedupeKey: job.dedupeKey,
      kind: "call",
      runId: run.id,
      stepId: job.stepId,
      attempt: job.attempt,
      runAt,
      orderAt: runAt - run.prioritySec * 1_000,
      payload: { unreachable: previous + 1 },
    },
    ctx.clock.now(),
  );
  if (previous === 0 || previous % 10 === 0) {
    ctx.log.warn({ run_id: run.id, function_id: run.functionId, error: error.message, retry_in_ms: delayMs }, "app unreachable; will call again");
  }
}
