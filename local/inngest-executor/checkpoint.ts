import type { ExecutorContext } from "./context";
import { isActive } from "./lifecycle";
import { OP, type CheckpointRequest } from "./protocol";
import { holdLeasedCall, type JobRecord } from "./store/jobs";
import { lockRun } from "./store/runs";
import { getStep, memoizeStep } from "./store/steps";

// Checkpointing (protocol §4h), which Inngest turns on for v4 SDKs by sending `fn_id` and `qi_id`
// in a call's ctx: the SDK runs a step inside the call that found it, posts the step's result
// here before going on, and ends the call with the next op — RunComplete, a sleep, more steps —
// instead of answering each step on a call of its own. A function of one step and a return costs
// one call instead of two.

/** The queue item id a call carries: its job and the lease it runs under. */
export const queueItemId = (job: JobRecord) => `${job.id}:${job.leaseOwner ?? ""}`;

function parseQueueItemId(qiId: string): { jobId: number; owner: string } | null {
  const at = qiId.indexOf(":");
  const jobId = Number(qiId.slice(0, at));
  return at > 0 && Number.isSafeInteger(jobId) ? { jobId, owner: qiId.slice(at + 1) } : null;
}

export type CheckpointResult = "recorded" | "stale" | "unsupported";

/**
 * Memoizes the steps of a checkpoint, in one transaction, as a StepRun in a call's answer would
 * be. "stale" (→ 409, the SDK ends the call) when the call's job is no longer out under its lease
 * or the run has ended; "unsupported" (→ the SDK retries, then returns the ops in the call's
 * answer, where every op is handled) for an op other than StepRun.
 */
export async function recordCheckpoint(ctx: ExecutorContext, runId: string, request: CheckpointRequest): Promise<CheckpointResult> {
  const item = parseQueueItemId(request.qi_id);
  if (!item || request.run_id !== runId) return "stale";
  if (request.steps.some((op) => op.op !== OP.StepRun)) return "unsupported";
  return ctx.db.transaction(async (tx) => {
    if (!(await holdLeasedCall(tx, item.jobId, item.owner, runId))) return "stale";
    const run = await lockRun(tx, runId);
    if (!run || !isActive(run) || run.functionId !== request.fn_id) return "stale";
    const now = ctx.clock.now();
    for (const op of request.steps) {
      const existing = await getStep(tx, runId, op.id);
      if (existing && (existing.status === "completed" || existing.status === "failed")) continue;
      const name = op.displayName ?? op.name ?? op.id;
      await memoizeStep(tx, { runId, stepId: op.id, name, op: op.op, memo: { data: op.data ?? null }, countsAsAttempt: true }, now);
    }
    return "recorded";
  });
}
