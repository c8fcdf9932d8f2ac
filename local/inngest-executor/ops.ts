import type { ExecutorContext } from "./context";
import { continueRun, endRun, startRun } from "./lifecycle";
import { randomUlid } from "./ids";
import {
  INTERNAL_EVENTS,
  invokeOptsSchema,
  OP,
  toSerializedError,
  waitForEventOptsSchema,
  type Op,
  type SerializedError,
  type StoredEvent,
} from "./protocol";
import type { Sql } from "./store/db";
import { insertEvent } from "./store/events";
import { enqueueJob, jobKeys, type JobRecord } from "./store/jobs";
import { setRunDie, type RunRecord } from "./store/runs";
import { getStep, memoizeStep, putPendingStep, recordStepAttemptError } from "./store/steps";
import { insertWait } from "./store/waits";
import { parseDurationMs, sleepWakeAt } from "./time";

// What each op of a 206 answer does to the run (protocol §5). Runs inside the transaction that
// also deleted the job, with the run row locked.

type OpContext = {
  tx: Sql;
  ctx: ExecutorContext;
  run: RunRecord;
  job: JobRecord;
  now: number;
  /** From the response's Retry-After header (RetryAfterError). */
  retryAtMs: number | null;
};

/** Whether an op ended the run; otherwise the run continues (see continueRun). */
type OpEffect = "ended" | "continue";

export async function applyOps(
  tx: Sql,
  ctx: ExecutorContext,
  run: RunRecord,
  job: JobRecord,
  ops: readonly Op[],
  retryAtMs: number | null,
): Promise<void> {
  // Parallel steps: once the SDK reported more than one op, it must stop running steps inside
  // discovery for the rest of the run, so that every step is called (and joined) individually.
  if (ops.length > 1 && !run.die) {
    await setRunDie(tx, run.id);
    run = { ...run, die: true };
  }
  const opCtx: OpContext = { tx, ctx, run, job, now: ctx.clock.now(), retryAtMs };
  for (const op of ops) {
    if ((await applyOp(opCtx, op)) === "ended") return;
  }
  // Queues the next discovery when nothing is pending any more (a memoized step, the last of a
  // parallel batch, or only stale ops): a run is never left without work.
  await continueRun(tx, ctx, run);
}

async function applyOp(c: OpContext, op: Op): Promise<OpEffect> {
  const existing = await getStep(c.tx, c.run.id, op.id);
  if (existing && (existing.status === "completed" || existing.status === "failed")) {
    c.ctx.log.debug({ run_id: c.run.id, step_id: op.id, op: op.op }, "op for an already memoized step ignored");
    return "continue";
  }
  if (existing && WAITING_OPS.has(op.op)) {
    // Already planned, sleeping, waiting or invoking: reported again by a stale call; starting it
    // twice would, for instance, invoke a function twice.
    return "continue";
  }
  const name = op.displayName ?? op.name ?? op.id;
  const identity = { runId: c.run.id, stepId: op.id, name, op: op.op };

  switch (op.op) {
    case OP.StepRun:
      await memoizeStep(c.tx, { ...identity, memo: { data: op.data ?? null }, countsAsAttempt: true }, c.now);
      return "continue";

    case OP.StepFailed:
      await memoizeStep(c.tx, { ...identity, memo: { error: stepError(op) }, countsAsAttempt: true }, c.now);
      return "continue";

    case OP.StepError:
      return handleStepError(c, op, identity);

    case OP.StepPlanned:
      await putPendingStep(c.tx, { ...identity, status: "planned" }, c.now);
      await enqueueCall(c, op.id, 0, c.now);
      return "continue";

    case OP.Sleep:
      return handleSleep(c, op, identity);

    case OP.WaitForEvent:
      return handleWaitForEvent(c, op, identity);

    case OP.InvokeFunction:
      return handleInvoke(c, op, identity);

    case OP.RunComplete:
      await endRun(c.tx, c.ctx, c.run, { status: "completed", output: op.data ?? null });
      return "ended";

    case OP.DiscoveryRequest:
      await enqueueCall(c, "step", 0, c.now);
      return "continue";

    default: {
      // Gateway (step.fetch), AIGateway, WaitForSignal, ... would need server-side work we lack.
      const error: SerializedError = {
        name: "UnsupportedOpError",
        message: `the local executor does not support the "${op.op}" op (step "${name}")`,
      };
      c.ctx.log.error({ run_id: c.run.id, function_id: c.run.functionId, op: op.op }, error.message);
      await endRun(c.tx, c.ctx, c.run, { status: "failed", error });
      return "ended";
    }
  }
}

function stepError(op: Op): SerializedError {
  return toSerializedError(op.error ?? op.data, `step ${op.displayName ?? op.id} failed`);
}

async function enqueueCall(c: OpContext, stepId: string, attempt: number, runAt: number): Promise<void> {
  await enqueueJob(
    c.tx,
    {
      dedupeKey: jobKeys.call(c.run.id, stepId),
      kind: "call",
      runId: c.run.id,
      stepId,
      attempt,
      runAt,
      orderAt: runAt - c.run.prioritySec * 1_000,
    },
    c.now,
  );
}

const WAITING_OPS = new Set<string>([OP.StepPlanned, OP.Sleep, OP.WaitForEvent, OP.InvokeFunction]);

type StepIdentity = { runId: string; stepId: string; name: string; op: string };

/**
 * A retriable step error: retry the step itself (calling its hashed id runs exactly that step) with
 * the next attempt number. The SDK reports the final attempt as StepFailed because it is told
 * max_attempts; should it not, the executor decides the attempt was the last.
 */
async function handleStepError(c: OpContext, op: Op, identity: StepIdentity): Promise<OpEffect> {
  const error = stepError(op);
  const nextAttempt = c.job.attempt + 1;
  if (nextAttempt >= c.run.maxAttempts) {
    await memoizeStep(c.tx, { ...identity, memo: { error }, countsAsAttempt: true }, c.now);
    return "continue";
  }
  await recordStepAttemptError(c.tx, identity, error, c.now);
  const runAt = c.retryAtMs ?? c.now + c.ctx.retryBackoffMs(nextAttempt);
  await enqueueCall(c, op.id, nextAttempt, runAt);
  c.ctx.log.info(
    { run_id: c.run.id, step: identity.name, attempt: nextAttempt, retry_in_ms: runAt - c.now, error: error.message },
    "step error, retry scheduled",
  );
  return "continue";
}

async function handleSleep(c: OpContext, op: Op, identity: StepIdentity): Promise<OpEffect> {
  // The SDK puts the duration ("2s") or the sleepUntil date in `name`; older SDKs used opts.duration.
  const target = op.name ?? (typeof op.opts?.duration === "string" ? op.opts.duration : "");
  const wakeAt = sleepWakeAt(target, c.now);
  if (wakeAt === null) {
    const error = { name: "Error", message: `cannot read sleep target "${target}"` };
    await memoizeStep(c.tx, { ...identity, memo: { error }, countsAsAttempt: false }, c.now);
    return "continue";
  }
  await putPendingStep(c.tx, { ...identity, status: "sleeping", detail: { wake_at: new Date(wakeAt).toISOString() } }, c.now);
  await enqueueJob(
    c.tx,
    { dedupeKey: jobKeys.sleep(c.run.id, op.id), kind: "sleep", runId: c.run.id, stepId: op.id, runAt: wakeAt },
    c.now,
  );
  return "continue";
}

async function handleWaitForEvent(c: OpContext, op: Op, identity: StepIdentity): Promise<OpEffect> {
  const opts = waitForEventOptsSchema.parse(op.opts ?? {});
  const eventName = opts.event ?? op.name ?? "";
  const timeoutMs = opts.timeout ? parseDurationMs(opts.timeout) : null;
  const expiresAt = timeoutMs === null ? null : c.now + timeoutMs;
  await putPendingStep(
    c.tx,
    { ...identity, status: "waiting", detail: { event: eventName, if: opts.if ?? null, timeout: opts.timeout ?? null } },
    c.now,
  );
  await insertWait(c.tx, { runId: c.run.id, stepId: op.id, eventName, expression: opts.if ?? null, expiresAt }, c.now);
  if (expiresAt !== null) {
    await enqueueJob(
      c.tx,
      { dedupeKey: jobKeys.waitTimeout(c.run.id, op.id), kind: "wait_timeout", runId: c.run.id, stepId: op.id, runAt: expiresAt },
      c.now,
    );
  }
  return "continue";
}

async function handleInvoke(c: OpContext, op: Op, identity: StepIdentity): Promise<OpEffect> {
  const opts = invokeOptsSchema.parse(op.opts ?? {});
  const target = c.ctx.registry.get(opts.function_id);
  if (!target) {
    const error = { name: "Error", message: `invoked function "${opts.function_id}" is not synced` };
    await memoizeStep(c.tx, { ...identity, memo: { error }, countsAsAttempt: false }, c.now);
    return "continue";
  }
  const data = opts.payload?.data;
  const internalId = randomUlid(c.now);
  const event: StoredEvent = {
    id: internalId,
    name: INTERNAL_EVENTS.functionInvoked,
    data: {
      ...(typeof data === "object" && data !== null && !Array.isArray(data) ? data : {}),
      _inngest: { source_fn_id: c.run.functionId, source_run_id: c.run.id, correlation_id: `${c.run.id}.${op.id}` },
    },
    ts: c.now,
    ...(opts.payload?.v ? { v: opts.payload.v } : {}),
  };
  await insertEvent(c.tx, internalId, event, c.now); // kept for the event log; it is not routed
  const childRunId = await startRun(c.tx, c.ctx, target, event, { parent: { runId: c.run.id, stepId: op.id } });
  if (childRunId === null) {
    // The invoked function's idempotency key skipped the run: there is no result to wait for.
    await memoizeStep(c.tx, { ...identity, memo: { data: null }, countsAsAttempt: false }, c.now);
    return "continue";
  }
  await putPendingStep(
    c.tx,
    { ...identity, status: "invoking", detail: { function_id: opts.function_id, run_id: childRunId } },
    c.now,
  );
  const timeoutMs = opts.timeout ? parseDurationMs(opts.timeout) : null;
  if (timeoutMs !== null) {
    await enqueueJob(
      c.tx,
      {
        dedupeKey: jobKeys.invokeTimeout(c.run.id, op.id),
        kind: "invoke_timeout",
        runId: c.run.id,
        stepId: op.id,
        runAt: c.now + timeoutMs,
      },
      c.now,
    );
  }
  return "continue";
}
