import { z } from "zod";
import type { Memo, SerializedError } from "../protocol";
import type { Sql } from "./db";
import { int, iso, json, nullableTimeMs, timeMs } from "./values";

/**
 * One row per step of a run. A step is *pending* (planned, sleeping, waiting, invoking) until it is
 * memoized (completed or failed); `completion_seq` orders memoized steps, which is the SDK's stack.
 * `op` is the last op the SDK reported for the step: a retried step reads StepError while it waits
 * for its next attempt, and StepRun (or StepFailed) once it is memoized.
 */
export const STEP_STATUSES = ["planned", "sleeping", "waiting", "invoking", "completed", "failed", "cancelled"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
export type PendingStepStatus = "planned" | "sleeping" | "waiting" | "invoking";

const memoSchema = z.union([
  z.object({ data: z.unknown() }).transform((memo): Memo => ({ data: memo.data ?? null })),
  z.object({ error: z.object({ name: z.string(), message: z.string(), stack: z.string().optional() }) }),
]);

const stepRowSchema = z.object({
  run_id: z.string(),
  step_id: z.string(),
  name: z.string(),
  op: z.string(),
  status: z.enum(STEP_STATUSES),
  memo: memoSchema.nullable(),
  attempts: int,
  completion_seq: int.nullable(),
  last_error: z.object({ name: z.string(), message: z.string(), stack: z.string().optional() }).nullable(),
  detail: z.record(z.string(), z.unknown()),
  created_at: timeMs,
  updated_at: timeMs,
  completed_at: nullableTimeMs,
});

export type StepRecord = {
  runId: string;
  stepId: string;
  name: string;
  op: string;
  status: StepStatus;
  memo: Memo | null;
  attempts: number;
  completionSeq: number | null;
  lastError: SerializedError | null;
  detail: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
};

function toStep(row: unknown): StepRecord {
  const r = stepRowSchema.parse(row);
  return {
    runId: r.run_id,
    stepId: r.step_id,
    name: r.name,
    op: r.op,
    status: r.status,
    memo: r.memo,
    attempts: r.attempts,
    completionSeq: r.completion_seq,
    lastError: r.last_error,
    detail: r.detail,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
  };
}

/** Steps of a run, memoized ones first in completion order. */
export async function listSteps(sql: Sql, runId: string): Promise<StepRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM steps WHERE run_id = $1 ORDER BY completion_seq NULLS LAST, created_at, step_id`,
    [runId],
  );
  return rows.map(toStep);
}

export async function getStep(sql: Sql, runId: string, stepId: string): Promise<StepRecord | null> {
  const rows = await sql.query(`SELECT * FROM steps WHERE run_id = $1 AND step_id = $2`, [runId, stepId]);
  return rows[0] ? toStep(rows[0]) : null;
}

type StepIdentity = { runId: string; stepId: string; name: string; op: string };

/** Records a step the run now waits on (a planned call, a sleep, a wait or an invoke). */
export async function putPendingStep(
  sql: Sql,
  step: StepIdentity & { status: PendingStepStatus; detail?: Record<string, unknown> },
  nowMs: number,
): Promise<void> {
  await sql.query(
    `INSERT INTO steps (run_id, step_id, name, op, status, detail, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::timestamptz, $7::timestamptz)
     ON CONFLICT (run_id, step_id) DO UPDATE
       SET op = EXCLUDED.op, status = EXCLUDED.status, detail = EXCLUDED.detail, updated_at = EXCLUDED.updated_at`,
    [step.runId, step.stepId, step.name, step.op, step.status, json(step.detail ?? {}), iso(nowMs)],
  );
}

/** A failed attempt that will be retried: the step stays pending (planned). */
export async function recordStepAttemptError(
  sql: Sql,
  step: StepIdentity,
  error: SerializedError,
  nowMs: number,
): Promise<void> {
  await sql.query(
    `INSERT INTO steps (run_id, step_id, name, op, status, attempts, last_error, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'planned', 1, $5::text::jsonb, $6::timestamptz, $6::timestamptz)
     ON CONFLICT (run_id, step_id) DO UPDATE
       SET op = EXCLUDED.op, status = 'planned', attempts = steps.attempts + 1, last_error = EXCLUDED.last_error,
           updated_at = EXCLUDED.updated_at`,
    [step.runId, step.stepId, step.name, step.op, json(error), iso(nowMs)],
  );
}

/** Stores a step's result and appends it to the run's completion order (the SDK's stack). */
export async function memoizeStep(
  sql: Sql,
  step: StepIdentity & { memo: Memo; countsAsAttempt: boolean },
  nowMs: number,
): Promise<void> {
  const status = "error" in step.memo ? "failed" : "completed";
  const lastError = "error" in step.memo ? json(step.memo.error) : null;
  const attempts = step.countsAsAttempt ? 1 : 0;
  await sql.query(
    `INSERT INTO steps (run_id, step_id, name, op, status, memo, attempts, completion_seq, last_error,
                        created_at, updated_at, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7,
             (SELECT COALESCE(MAX(completion_seq), 0) + 1 FROM steps WHERE run_id = $1),
             $8::text::jsonb, $9::timestamptz, $9::timestamptz, $9::timestamptz)
     ON CONFLICT (run_id, step_id) DO UPDATE
       SET op = EXCLUDED.op, status = EXCLUDED.status, memo = EXCLUDED.memo,
           attempts = steps.attempts + EXCLUDED.attempts,
           completion_seq = EXCLUDED.completion_seq, last_error = COALESCE(EXCLUDED.last_error, steps.last_error),
           updated_at = EXCLUDED.updated_at, completed_at = EXCLUDED.completed_at`,
    [step.runId, step.stepId, step.name, step.op, status, json(step.memo), attempts, lastError, iso(nowMs)],
  );
}

export async function countPendingSteps(sql: Sql, runId: string): Promise<number> {
  const rows = await sql.query(
    `SELECT COUNT(*)::int AS pending FROM steps
     WHERE run_id = $1 AND status IN ('planned', 'sleeping', 'waiting', 'invoking')`,
    [runId],
  );
  return z.object({ pending: int }).parse(rows[0]).pending;
}

export async function cancelPendingSteps(sql: Sql, runId: string, nowMs: number): Promise<void> {
  await sql.query(
    `UPDATE steps SET status = 'cancelled', updated_at = $2::timestamptz
     WHERE run_id = $1 AND status IN ('planned', 'sleeping', 'waiting', 'invoking')`,
    [runId, iso(nowMs)],
  );
}
