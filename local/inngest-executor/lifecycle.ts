import type { ExecutorContext } from "./context";
import {
  concurrencyKeysFor,
  IDEMPOTENCY_TTL_MS,
  idempotencyKeyFor,
  prioritySecFor,
  throttleTicketFor,
} from "./flow-control";
import type { FunctionDefinition } from "./function-config";
import { randomUlid } from "./ids";
import { DISCOVERY_STEP_ID, INTERNAL_EVENTS, type Memo, type SerializedError, type StoredEvent } from "./protocol";
import type { Sql } from "./store/db";
import { claimIdempotencyKey } from "./store/flow-state";
import { countCallJobsOfRun, deleteJob, deleteJobsOfRun, enqueueJob, jobKeys } from "./store/jobs";
import { ACTIVE_RUN_STATUSES, finishRun, insertRun, lockRun, type RunRecord } from "./store/runs";
import { cancelPendingSteps, countPendingSteps, getStep, memoizeStep } from "./store/steps";
import { deleteWaitsOfRun } from "./store/waits";

// A run's life outside of call requests: start (with flow control), resume after a step resolves,
// and the three endings. All functions run inside the caller's transaction.

export const isActive = (run: RunRecord) => ACTIVE_RUN_STATUSES.includes(run.status);

export type StartRunOptions = { parent?: { runId: string; stepId: string } };

/** Starts a run of `fn` for `event`; returns its id, or null when idempotency skipped it. */
export async function startRun(
  tx: Sql,
  ctx: ExecutorContext,
  fn: FunctionDefinition,
  event: StoredEvent,
  options: StartRunOptions = {},
): Promise<string | null> {
  const now = ctx.clock.now();
  const runId = randomUlid(now);

  const idempotencyKey = idempotencyKeyFor(fn, event);
  if (idempotencyKey !== null) {
    const claimed = await claimIdempotencyKey(
      tx,
      { functionId: fn.id, key: idempotencyKey, runId, ttlMs: IDEMPOTENCY_TTL_MS },
      now,
    );
    if (!claimed) {
      ctx.log.info({ function_id: fn.id, event_id: event.id, idempotency_key: idempotencyKey }, "run skipped: idempotency key seen in the last 24h");
      return null;
    }
  }

  const prioritySec = prioritySecFor(fn, event);
  await insertRun(
    tx,
    {
      id: runId,
      functionId: fn.id,
      event,
      events: [event],
      maxAttempts: fn.maxAttempts,
      parentRunId: options.parent?.runId ?? null,
      parentStepId: options.parent?.stepId ?? null,
      concurrencyKeys: concurrencyKeysFor(fn, event),
      prioritySec,
    },
    now,
  );
  // A throttled run's first call carries its ticket: the queue starts it when a slot is free.
  const ticket = throttleTicketFor(fn, event);
  await enqueueDiscovery(tx, runId, prioritySec, now, now, ticket ? { throttle: ticket } : {});
  ctx.log.info({ function_id: fn.id, run_id: runId, event_name: event.name, event_id: event.id }, "run queued");
  return runId;
}

async function enqueueDiscovery(
  tx: Sql,
  runId: string,
  prioritySec: number,
  runAt: number,
  now: number,
  payload: Record<string, unknown> = {},
) {
  await enqueueJob(
    tx,
    {
      dedupeKey: jobKeys.call(runId, DISCOVERY_STEP_ID),
      kind: "call",
      runId,
      stepId: DISCOVERY_STEP_ID,
      attempt: 0,
      runAt,
      orderAt: runAt - prioritySec * 1_000,
      payload,
    },
    now,
  );
}

/**
 * After a step was memoized: when nothing else is pending (parallel steps join here) and no call is
 * queued, ask the SDK what comes next.
 */
export async function continueRun(tx: Sql, ctx: ExecutorContext, run: RunRecord): Promise<void> {
  if ((await countPendingSteps(tx, run.id)) > 0) return;
  if ((await countCallJobsOfRun(tx, run.id)) > 0) return;
  const now = ctx.clock.now();
  await enqueueDiscovery(tx, run.id, run.prioritySec, now, now);
}

/**
 * Resolves a pending step from outside a call (sleep woke, event matched, timeout, invoked run
 * ended). Returns false when the run or step is no longer waiting for it.
 */
export async function resolvePendingStep(
  tx: Sql,
  ctx: ExecutorContext,
  runId: string,
  stepId: string,
  memo: Memo,
): Promise<boolean> {
  const run = await lockRun(tx, runId);
  if (!run || !isActive(run)) return false;
  const step = await getStep(tx, runId, stepId);
  if (!step || !["sleeping", "waiting", "invoking"].includes(step.status)) return false;
  await memoizeStep(tx, { runId, stepId, name: step.name, op: step.op, memo, countsAsAttempt: false }, ctx.clock.now());
  await continueRun(tx, ctx, run);
  return true;
}

type Ending =
  | { status: "completed"; output: unknown }
  | { status: "failed"; error: SerializedError }
  | { status: "cancelled"; error: SerializedError };

/** Ends a run: records the result, drops its future work, emits internal events, answers an invoker. */
export async function endRun(tx: Sql, ctx: ExecutorContext, run: RunRecord, ending: Ending): Promise<void> {
  const now = ctx.clock.now();
  await finishRun(tx, run.id, ending, now);
  await deleteJobsOfRun(tx, run.id);
  await deleteWaitsOfRun(tx, run.id);
  if (ending.status !== "completed") await cancelPendingSteps(tx, run.id, now);

  const logFields = { function_id: run.functionId, run_id: run.id };
  if (ending.status === "completed") ctx.log.info(logFields, "run completed");
  else if (ending.status === "failed") ctx.log.warn({ ...logFields, error: ending.error }, "run failed");
  else ctx.log.info({ ...logFields, reason: ending.error.message }, "run cancelled");

  const base = { function_id: run.functionId, run_id: run.id, event: run.event };
  if (ending.status === "failed") {
    // Feeds onFailure handlers, which sync as functions triggered by this event.
    await ctx.emit(tx, { name: INTERNAL_EVENTS.functionFailed, data: { ...base, error: ending.error } });
  }
  if (ending.status === "cancelled") {
    await ctx.emit(tx, { name: INTERNAL_EVENTS.functionCancelled, data: { ...base, error: ending.error } });
  }
  await ctx.emit(tx, {
    name: INTERNAL_EVENTS.functionFinished,
    data: ending.status === "completed" ? { ...base, result: ending.output ?? null } : { ...base, error: ending.error },
  });

  if (run.parentRunId && run.parentStepId) {
    await deleteJob(tx, jobKeys.invokeTimeout(run.parentRunId, run.parentStepId));
    const memo: Memo = ending.status === "completed" ? { data: ending.output ?? null } : { error: ending.error };
    await resolvePendingStep(tx, ctx, run.parentRunId, run.parentStepId, memo);
  }
}

export function cancellationError(reason: string): SerializedError {
  return { name: "Error", message: `run cancelled: ${reason}` };
}
