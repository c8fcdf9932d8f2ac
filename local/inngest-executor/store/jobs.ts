import { z } from "zod";
import type { Database, Sql } from "./db";
import { int, iso, json, timeMs } from "./values";

/**
 * The durable queue. Every piece of future work is a job with a due time (`run_at`, executor clock):
 * calls to the app, sleep wake-ups, waitForEvent/invoke timeouts and cron ticks.
 * `dedupe_key` makes enqueueing idempotent (one discovery per run, one wake per sleep, ...).
 * A claimed job carries a lease (owner + real-time expiry); no database lock is held while the job
 * runs, and the job row is deleted in the same transaction that records its outcome.
 */
export const JOB_KINDS = ["call", "sleep", "wait_timeout", "invoke_timeout", "cron"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const jobRowSchema = z.object({
  id: int,
  dedupe_key: z.string(),
  kind: z.enum(JOB_KINDS),
  run_id: z.string().nullable(),
  step_id: z.string().nullable(),
  function_id: z.string().nullable(),
  attempt: int,
  run_at: timeMs,
  order_at: timeMs,
  payload: z.record(z.string(), z.unknown()),
  lease_owner: z.string().nullable(),
});

export type JobRecord = {
  id: number;
  dedupeKey: string;
  kind: JobKind;
  runId: string | null;
  stepId: string | null;
  functionId: string | null;
  attempt: number;
  runAt: number;
  orderAt: number;
  payload: Record<string, unknown>;
  leaseOwner: string | null;
};

function toJob(row: unknown): JobRecord {
  const r = jobRowSchema.parse(row);
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    kind: r.kind,
    runId: r.run_id,
    stepId: r.step_id,
    functionId: r.function_id,
    attempt: r.attempt,
    runAt: r.run_at,
    orderAt: r.order_at,
    payload: r.payload,
    leaseOwner: r.lease_owner,
  };
}

export type NewJob = {
  dedupeKey: string;
  kind: JobKind;
  runId?: string | null;
  stepId?: string | null;
  functionId?: string | null;
  attempt?: number;
  runAt: number;
  /** Queue position among due jobs; defaults to runAt. Priority shifts it. */
  orderAt?: number;
  payload?: Record<string, unknown>;
};

/** Enqueues a job unless one with the same dedupe key exists. Returns whether it was inserted. */
export async function enqueueJob(sql: Sql, job: NewJob, nowMs: number): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO jobs (dedupe_key, kind, run_id, step_id, function_id, attempt, run_at, order_at, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz, $9::text::jsonb, $10::timestamptz)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [
      job.dedupeKey,
      job.kind,
      job.runId ?? null,
      job.stepId ?? null,
      job.functionId ?? null,
      job.attempt ?? 0,
      iso(job.runAt),
      iso(job.orderAt ?? job.runAt),
      json(job.payload ?? {}),
      iso(nowMs),
    ],
  );
  return rows.length > 0;
}

/**
 * Claims due jobs: row locks (SKIP LOCKED on PostgreSQL) only for the duration of this short
 * transaction, then a lease marks them taken. `accept` may refuse a candidate (concurrency limits).
 */
export async function claimDueJobs(
  db: Database,
  options: {
    nowMs: number;
    realNowMs: number;
    owner: string;
    leaseMs: number;
    limit: number;
    /** Concurrency keys without a free slot: call jobs of runs holding any of them are skipped. */
    fullConcurrencyKeys: readonly string[];
    /** Throttle keys without a free slot: the waiting first calls of their runs are skipped. */
    closedThrottleKeys: readonly string[];
    accept: (job: JobRecord, concurrencyKeys: unknown) => boolean;
  },
): Promise<JobRecord[]> {
  if (options.limit <= 0) return [];
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `SELECT jobs.*, runs.concurrency_keys AS run_concurrency_keys
       FROM jobs LEFT JOIN runs ON runs.id = jobs.run_id
       WHERE jobs.run_at <= $1::timestamptz
         AND (jobs.lease_until IS NULL OR jobs.lease_until < $2::timestamptz)
         AND NOT (jobs.kind = 'call' AND runs.concurrency_keys IS NOT NULL AND EXISTS (
           SELECT 1 FROM jsonb_array_elements(runs.concurrency_keys) AS slot
           WHERE slot->>'key' IN (SELECT jsonb_array_elements_text($3::text::jsonb))))
         AND NOT (jobs.kind = 'call'
           AND coalesce(jobs.payload->'throttle'->>'key', '') IN (SELECT jsonb_array_elements_text($5::text::jsonb)))
       ORDER BY jobs.order_at, jobs.id
       LIMIT $4
       FOR UPDATE OF jobs SKIP LOCKED`,
      [
        iso(options.nowMs),
        iso(options.realNowMs),
        json(options.fullConcurrencyKeys),
        Math.max(options.limit * 4, 50),
        json(options.closedThrottleKeys),
      ],
    );
    const claimed: JobRecord[] = [];
    for (const row of rows) {
      if (claimed.length >= options.limit) break;
      const job = toJob(row);
      if (options.accept(job, row.run_concurrency_keys)) claimed.push({ ...job, leaseOwner: options.owner });
    }
    if (claimed.length === 0) return claimed;
    // One statement leases the whole batch (a round trip per job was most of a claim's cost).
    await tx.query(
      `UPDATE jobs SET lease_owner = $2, lease_until = $3::timestamptz
       WHERE id = ANY (string_to_array($1, ',')::bigint[])`,
      [claimed.map((job) => job.id).join(","), options.owner, iso(options.realNowMs + options.leaseMs)],
    );
    return claimed;
  });
}

/**
 * Removes a claimed job as part of recording its outcome. False means the job is gone or no longer
 * ours (the run was cancelled, or the lease was taken over): the outcome must then be discarded.
 */
export async function takeClaimedJob(sql: Sql, jobId: number, owner: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM jobs WHERE id = $1 AND lease_owner = $2 RETURNING id`, [jobId, owner]);
  return rows.length > 0;
}

/**
 * Whether the call job `jobId` of run `runId` is still out under `owner`'s lease, its row locked
 * against the answer's delete until the caller's transaction ends: a checkpoint from a call
 * whose job was taken back (the run cancelled, the executor restarted) is stale.
 */
export async function holdLeasedCall(sql: Sql, jobId: number, owner: string, runId: string): Promise<boolean> {
  const rows = await sql.query(
    `SELECT id FROM jobs WHERE id = $1 AND lease_owner = $2 AND run_id = $3 AND kind = 'call' FOR SHARE`,
    [jobId, owner, runId],
  );
  return rows.length > 0;
}

/** Unleases a job whose handler crashed and pushes it back a little, so it is retried, not lost. */
export async function deferJob(sql: Sql, jobId: number, owner: string, runAtMs: number): Promise<void> {
  await sql.query(
    `UPDATE jobs SET lease_owner = NULL, lease_until = NULL, run_at = $3::timestamptz WHERE id = $1 AND lease_owner = $2`,
    [jobId, owner, iso(runAtMs)],
  );
}

export async function renewLeases(sql: Sql, owner: string, untilRealMs: number): Promise<void> {
  await sql.query(`UPDATE jobs SET lease_until = $2::timestamptz WHERE lease_owner = $1`, [owner, iso(untilRealMs)]);
}

/** Gives up leases: ours on a clean stop, or every other owner's on start (one executor per store). */
export async function releaseLeases(sql: Sql, filter: { owner: string } | { notOwner: string }): Promise<number> {
  const rows =
    "owner" in filter
      ? await sql.query(`UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 RETURNING id`, [
          filter.owner,
        ])
      : await sql.query(
          `UPDATE jobs SET lease_owner = NULL, lease_until = NULL
           WHERE lease_owner IS NOT NULL AND lease_owner <> $1 RETURNING id`,
          [filter.notOwner],
        );
  return rows.length;
}

/** The earliest due time after `nowMs` of an unleased job, to sleep until then. */
export async function nextDueTime(sql: Sql, nowMs: number): Promise<number | null> {
  const rows = await sql.query(
    `SELECT MIN(run_at) AS next FROM jobs WHERE run_at > $1::timestamptz AND lease_owner IS NULL`,
    [iso(nowMs)],
  );
  const next = rows[0]?.next;
  return next instanceof Date || typeof next === "string" ? new Date(next).getTime() : null;
}

export async function deleteJobsOfRun(sql: Sql, runId: string): Promise<void> {
  await sql.query(`DELETE FROM jobs WHERE run_id = $1`, [runId]);
}

export async function deleteJob(sql: Sql, dedupeKey: string): Promise<void> {
  await sql.query(`DELETE FROM jobs WHERE dedupe_key = $1`, [dedupeKey]);
}

export async function listJobsOfRun(sql: Sql, runId: string): Promise<JobRecord[]> {
  const rows = await sql.query(`SELECT * FROM jobs WHERE run_id = $1 ORDER BY run_at, id`, [runId]);
  return rows.map(toJob);
}

export async function listCronJobs(sql: Sql): Promise<JobRecord[]> {
  const rows = await sql.query(`SELECT * FROM jobs WHERE kind = 'cron' ORDER BY id`);
  return rows.map(toJob);
}

export async function countCallJobsOfRun(sql: Sql, runId: string): Promise<number> {
  const rows = await sql.query(`SELECT COUNT(*)::int AS n FROM jobs WHERE run_id = $1 AND kind = 'call'`, [runId]);
  return z.object({ n: int }).parse(rows[0]).n;
}

/** Dedupe keys, so each kind of future work exists at most once. */
export const jobKeys = {
  call: (runId: string, stepId: string) => `call:${runId}:${stepId}`,
  sleep: (runId: string, stepId: string) => `sleep:${runId}:${stepId}`,
  waitTimeout: (runId: string, stepId: string) => `wait_timeout:${runId}:${stepId}`,
  invokeTimeout: (runId: string, stepId: string) => `invoke_timeout:${runId}:${stepId}`,
  cron: (functionId: string, cron: string) => `cron:${functionId}:${cron}`,
};
