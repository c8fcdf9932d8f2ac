import { z } from "zod";
import { celEvaluate, celKey } from "./cel";
import type { FunctionDefinition } from "./function-config";
import type { StoredEvent } from "./protocol";
import type { ConcurrencyKey } from "./store/runs";

// Flow control decided at run start (idempotency, throttle, priority, concurrency keys) and the
// in-memory concurrency accounting used when claiming call jobs.

export const IDEMPOTENCY_TTL_MS = 86_400_000;
export const MAX_PRIORITY_SEC = 600;

/** The idempotency key of a run, or null when the function has none (or it evaluates to nothing). */
export function idempotencyKeyFor(fn: FunctionDefinition, event: StoredEvent): string | null {
  return fn.idempotency ? celKey(fn.idempotency, { event }) : null;
}

export function throttleKeyFor(fn: FunctionDefinition, event: StoredEvent): string {
  if (!fn.throttle?.key) return "";
  return celKey(fn.throttle.key, { event }) ?? "";
}

/**
 * GCRA, delaying instead of dropping: runs are spaced `period / limit` apart, and `burst` extra runs
 * may start back to back. Returns when this run may start and the new theoretical arrival time.
 */
export function throttleSchedule(
  previousTatMs: number | null,
  nowMs: number,
  throttle: { limit: number; periodMs: number; burst: number },
): { startAtMs: number; tatMs: number } {
  const emissionMs = throttle.periodMs / Math.max(1, throttle.limit);
  const toleranceMs = emissionMs * throttle.burst;
  const tat = previousTatMs ?? Number.NEGATIVE_INFINITY;
  const startAtMs = Math.max(nowMs, tat - toleranceMs);
  return { startAtMs, tatMs: Math.max(tat, startAtMs) + emissionMs };
}

/** `priority.run` as a queue offset in seconds, clamped to ±600 (positive runs earlier). */
export function prioritySecFor(fn: FunctionDefinition, event: StoredEvent): number {
  if (!fn.priorityRun) return 0;
  const value = celEvaluate(fn.priorityRun, { event });
  if (typeof value !== "number" || !Number.isFinite(value)) return 0;
  return Math.max(-MAX_PRIORITY_SEC, Math.min(MAX_PRIORITY_SEC, Math.trunc(value)));
}

/**
 * Fully qualified concurrency keys of a run: scope "fn" counts per function, "env"/"account" share
 * the key across functions. A key expression that cannot be evaluated counts under the empty key.
 */
export function concurrencyKeysFor(fn: FunctionDefinition, event: StoredEvent): ConcurrencyKey[] {
  return fn.concurrency.map((limit) => {
    const value = limit.key ? (celKey(limit.key, { event }) ?? "") : "";
    const owner = limit.scope === "fn" ? `fn:${fn.id}` : limit.scope;
    return { limit: limit.limit, key: `${owner}:${limit.key ?? ""}:${value}` };
  });
}

const concurrencyKeysSchema = z.array(z.object({ limit: z.number(), key: z.string() }));

/**
 * Counts calls in flight per concurrency key. Inngest limits *executing steps*, not runs: a sleeping
 * or waiting run holds no slot. One executor owns its store, so an in-memory count is exact.
 */
export class ConcurrencyTracker {
  private readonly inFlight = new Map<string, number>();
  private readonly limits = new Map<string, number>();

  /** Takes a slot on every key, or none when any key is full. */
  tryAcquire(rawKeys: unknown): ConcurrencyKey[] | null {
    const parsed = concurrencyKeysSchema.safeParse(rawKeys ?? []);
    const keys = parsed.success ? parsed.data : [];
    if (keys.some((k) => (this.inFlight.get(k.key) ?? 0) >= k.limit)) return null;
    for (const k of keys) {
      this.inFlight.set(k.key, (this.inFlight.get(k.key) ?? 0) + 1);
      this.limits.set(k.key, k.limit);
    }
    return keys;
  }

  /** Keys with no free slot: the claim query skips their jobs, so they cannot starve other work. */
  fullKeys(): string[] {
    return [...this.inFlight].filter(([key, count]) => count >= (this.limits.get(key) ?? Infinity)).map(([key]) => key);
  }

  release(keys: readonly ConcurrencyKey[]): void {
    for (const k of keys) {
      const remaining = (this.inFlight.get(k.key) ?? 1) - 1;
      if (remaining <= 0) {
        this.inFlight.delete(k.key);
        this.limits.delete(k.key);
      }
      else this.inFlight.set(k.key, remaining);
    }
  }
}
