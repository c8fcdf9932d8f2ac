import { z } from "zod";
import type { Sql } from "./db";
import { iso, timeMs } from "./values";

// State behind flow control: idempotency keys and throttle (GCRA) theoretical arrival times.

/** Claims an idempotency key for `ttlMs`. False when an unexpired claim exists (skip the run). */
export async function claimIdempotencyKey(
  sql: Sql,
  claim: { functionId: string; key: string; runId: string; ttlMs: number },
  nowMs: number,
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO idempotency_keys (function_id, key, run_id, expires_at) VALUES ($1, $2, $3, $4::timestamptz)
     ON CONFLICT (function_id, key) DO UPDATE SET run_id = EXCLUDED.run_id, expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.expires_at <= $5::timestamptz
     RETURNING run_id`,
    [claim.functionId, claim.key, claim.runId, iso(nowMs + claim.ttlMs), iso(nowMs)],
  );
  return rows.length > 0;
}

export async function readThrottleTat(sql: Sql, functionId: string, key: string): Promise<number | null> {
  const rows = await sql.query(`SELECT tat FROM throttle_state WHERE function_id = $1 AND key = $2 FOR UPDATE`, [
    functionId,
    key,
  ]);
  return rows[0] ? z.object({ tat: timeMs }).parse(rows[0]).tat : null;
}

export async function writeThrottleTat(sql: Sql, functionId: string, key: string, tatMs: number): Promise<void> {
  await sql.query(
    `INSERT INTO throttle_state (function_id, key, tat) VALUES ($1, $2, $3::timestamptz)
     ON CONFLICT (function_id, key) DO UPDATE SET tat = EXCLUDED.tat`,
    [functionId, key, iso(tatMs)],
  );
}
