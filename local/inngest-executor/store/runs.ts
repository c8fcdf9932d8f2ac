import { z } from "zod";
import { storedEventSchema, type SerializedError, type StoredEvent } from "../protocol";
import type { Sql } from "./db";
import { int, iso, json, nullableTimeMs, timeMs } from "./values";

export const RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["queued", "running"];

/** A concurrency slot a run's calls occupy: `key` is fully qualified (scope, function, key value). */
export type ConcurrencyKey = { limit: number; key: string };

const errorSchema = z.object({ name: z.string(), message: z.string(), stack: z.string().optional() });

const runRowSchema = z.object({
  id: z.string(),
  function_id: z.string(),
  status: z.enum(RUN_STATUSES),
  event: storedEventSchema,
  events: z.array(storedEventSchema),
  output: z.unknown(),
  error: errorSchema.nullable(),
  die: z.boolean(),
  max_attempts: int,
  parent_run_id: z.string().nullable(),
  parent_step_id: z.string().nullable(),
  concurrency_keys: z.array(z.object({ limit: z.number(), key: z.string() })),
  priority_sec: int,
  created_at: timeMs,
  started_at: nullableTimeMs,
  ended_at: nullableTimeMs,
});

export type RunRecord = {
  id: string;
  functionId: string;
  status: RunStatus;
  event: StoredEvent;
  events: StoredEvent[];
  output: unknown;
  error: SerializedError | null;
  die: boolean;
  maxAttempts: number;
  parentRunId: string | null;
  parentStepId: string | null;
  concurrencyKeys: ConcurrencyKey[];
  prioritySec: number;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
};

function toRun(row: unknown): RunRecord {
  const r = runRowSchema.parse(row);
  return {
    id: r.id,
    functionId: r.function_id,
    status: r.status,
    event: r.event,
    events: r.events,
    output: r.output ?? null,
    error: r.error,
    die: r.die,
    maxAttempts: r.max_attempts,
    parentRunId: r.parent_run_id,
    parentStepId: r.parent_step_id,
    concurrencyKeys: r.concurrency_keys,
    prioritySec: r.priority_sec,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

export type NewRun = Pick<
  RunRecord,
  "id" | "functionId" | "event" | "events" | "maxAttempts" | "parentRunId" | "parentStepId" | "concurrencyKeys" | "prioritySec"
>;

export async function insertRun(sql: Sql, run: NewRun, nowMs: number): Promise<void> {
  await sql.query(
    `INSERT INTO runs (id, function_id, status, event, events, max_attempts, parent_run_id, parent_step_id,
                       concurrency_keys, priority_sec, created_at)
     VALUES ($1, $2, 'queued', $3::text::jsonb, $4::text::jsonb, $5, $6, $7, $8::text::jsonb, $9, $10::timestamptz)`,
    [
      run.id,
      run.functionId,
      json(run.event),
      json(run.events),
      run.maxAttempts,
      run.parentRunId,
      run.parentStepId,
      json(run.concurrencyKeys),
      run.prioritySec,
      iso(nowMs),
    ],
  );
}

export async function getRun(sql: Sql, runId: string): Promise<RunRecord | null> {
  const rows = await sql.query(`SELECT * FROM runs WHERE id = $1`, [runId]);
  return rows[0] ? toRun(rows[0]) : null;
}

/** Locks the run row for the rest of the transaction: every change to a run's state goes through it. */
export async function lockRun(sql: Sql, runId: string): Promise<RunRecord | null> {
  const rows = await sql.query(`SELECT * FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
  return rows[0] ? toRun(rows[0]) : null;
}

/** Reads a run about to be called, marking a queued one running: one round trip for both. */
export async function startRun(sql: Sql, runId: string, nowMs: number): Promise<RunRecord | null> {
  const rows = await sql.query(
    `WITH started AS (
       UPDATE runs SET status = 'running', started_at = COALESCE(started_at, $2::timestamptz)
       WHERE id = $1 AND status = 'queued' RETURNING *)
     SELECT * FROM started
     UNION ALL SELECT * FROM runs WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM started)`,
    [runId, iso(nowMs)],
  );
  return rows[0] ? toRun(rows[0]) : null;
}

export async function setRunDie(sql: Sql, runId: string): Promise<void> {
  await sql.query(`UPDATE runs SET die = true WHERE id = $1`, [runId]);
}

export async function finishRun(
  sql: Sql,
  runId: string,
  result: { status: "completed"; output: unknown } | { status: "failed" | "cancelled"; error: SerializedError },
  nowMs: number,
): Promise<void> {
  await sql.query(
    `UPDATE runs SET status = $2, output = $3::text::jsonb, error = $4::text::jsonb, ended_at = $5::timestamptz,
                     started_at = COALESCE(started_at, $5::timestamptz)
     WHERE id = $1`,
    [
      runId,
      result.status,
      result.status === "completed" ? json(result.output) : null,
      result.status === "completed" ? null : json(result.error),
      iso(nowMs),
    ],
  );
}

/** Newest first (insertion order: run ids are not monotonic within a millisecond). */
export async function listRuns(
  sql: Sql,
  filter: { status?: RunStatus; functionId?: string; eventId?: string; limit: number },
): Promise<RunRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM runs
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR function_id = $2)
       AND ($4::text IS NULL OR event->>'id' = $4)
     ORDER BY seq DESC LIMIT $3`,
    [filter.status ?? null, filter.functionId ?? null, filter.limit, filter.eventId ?? null],
  );
  return rows.map(toRun);
}

/** Active runs of a function, for cancellation matching. */
export async function listActiveRuns(sql: Sql, functionId: string): Promise<RunRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM runs WHERE function_id = $1 AND status IN ('queued', 'running') ORDER BY seq`,
    [functionId],
  );
  return rows.map(toRun);
}
