import type { FunctionDefinition } from "./function-config";
import type { EventRecord } from "./store/events";
import type { AppRecord } from "./store/functions";
import type { JobRecord } from "./store/jobs";
import type { RunRecord } from "./store/runs";
import type { StepRecord } from "./store/steps";

// JSON shapes of the executor API (snake_case, ISO times), shared by HTTP and the library API.

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type RunView = ReturnType<typeof runView>;
export type StepView = ReturnType<typeof stepView>;
export type RunDetailView = RunView & { steps: StepView[]; jobs: ReturnType<typeof jobView>[] };

export function runView(run: RunRecord) {
  return {
    id: run.id,
    function_id: run.functionId,
    status: run.status,
    event: run.event,
    output: run.output,
    error: run.error,
    parent_run_id: run.parentRunId,
    parent_step_id: run.parentStepId,
    created_at: isoOrNull(run.createdAt),
    started_at: isoOrNull(run.startedAt),
    ended_at: isoOrNull(run.endedAt),
  };
}

export function stepView(step: StepRecord) {
  return {
    id: step.stepId,
    name: step.name,
    op: step.op,
    status: step.status,
    memo: step.memo,
    attempts: step.attempts,
    completion_order: step.completionSeq,
    last_error: step.lastError,
    detail: step.detail,
    created_at: isoOrNull(step.createdAt),
    updated_at: isoOrNull(step.updatedAt),
    completed_at: isoOrNull(step.completedAt),
  };
}

export function jobView(job: JobRecord) {
  return {
    kind: job.kind,
    step_id: job.stepId,
    attempt: job.attempt,
    run_at: isoOrNull(job.runAt),
    leased: job.leaseOwner !== null,
  };
}

export function eventView(record: EventRecord) {
  return { internal_id: record.internalId, ...record.event, received_at: isoOrNull(record.receivedAt) };
}

export function functionView(fn: FunctionDefinition) {
  return {
    id: fn.id,
    name: fn.name,
    app_id: fn.appId,
    url: fn.url,
    triggers: fn.config.triggers,
    max_attempts: fn.maxAttempts,
    unsupported: fn.unsupported,
    config: fn.config,
  };
}

export function appView(app: AppRecord) {
  return { id: app.id, url: app.url, sync_kind: app.syncKind, sdk: app.sdk, synced_at: isoOrNull(app.syncedAt) };
}
