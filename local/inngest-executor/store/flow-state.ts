import type { Sql } from "./db";
import { iso } from "./values";

// State behind flow control: idempotency keys. (Throttle slots are the queue's, in memory: see
// ThrottleGate in flow-control.ts.)

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
