import { z } from "zod";
import type { Sql } from "./db";
import { iso, nullableTimeMs } from "./values";

// Pending step.waitForEvent pauses, matched against incoming events by name then CEL `if`.

export type WaitRecord = {
  runId: string;
  stepId: string;
  eventName: string;
  expression: string | null;
  expiresAt: number | null;
};

const waitRowSchema = z.object({
  run_id: z.string(),
  step_id: z.string(),
  event_name: z.string(),
  expression: z.string().nullable(),
  expires_at: nullableTimeMs,
});

function toWait(row: unknown): WaitRecord {
  const r = waitRowSchema.parse(row);
  return { runId: r.run_id, stepId: r.step_id, eventName: r.event_name, expression: r.expression, expiresAt: r.expires_at };
}

export async function insertWait(sql: Sql, wait: WaitRecord, nowMs: number): Promise<void> {
  await sql.query(
    `INSERT INTO waits (run_id, step_id, event_name, expression, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)
     ON CONFLICT (run_id, step_id) DO NOTHING`,
    [wait.runId, wait.stepId, wait.eventName, wait.expression, wait.expiresAt === null ? null : iso(wait.expiresAt), iso(nowMs)],
  );
}

/** Unexpired waits for an event name, oldest first. */
export async function listWaitsForEvent(sql: Sql, eventName: string, nowMs: number): Promise<WaitRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM waits WHERE event_name = $1 AND (expires_at IS NULL OR expires_at > $2::timestamptz)
     ORDER BY created_at, run_id`,
    [eventName, iso(nowMs)],
  );
  return rows.map(toWait);
}

/** Removes a wait; false when it was already resolved (by another event or its timeout). */
export async function takeWait(sql: Sql, runId: string, stepId: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM waits WHERE run_id = $1 AND step_id = $2 RETURNING run_id`, [runId, stepId]);
  return rows.length > 0;
}

export async function deleteWaitsOfRun(sql: Sql, runId: string): Promise<void> {
  await sql.query(`DELETE FROM waits WHERE run_id = $1`, [runId]);
}
