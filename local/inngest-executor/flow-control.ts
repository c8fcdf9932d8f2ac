import { z } from "zod";
import { celEvaluate, celKey } from "./cel";
import type { FunctionDefinition } from "./function-config";
import type { StoredEvent } from "./protocol";
import type { ConcurrencyKey } from "./store/runs";

// Flow control decided at run start (idempotency, priority, concurrency and throttle keys) and the
// in-memory accounting used when claiming call jobs (concurrency slots, throttle slots).

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

/** What the first call of a throttled run carries, so the queue can hold it until a slot is free. */
export type ThrottleTicket = { key: string; limit: number; periodMs: number; burst: number };

const throttleTicketSchema = z.object({ key: z.string(), limit: z.number(), periodMs: z.number(), burst: z.number() });

/** The ticket of a run of `fn` for `event` (its key fully qualified by the function), or null. */
export function throttleTicketFor(fn: FunctionDefinition, event: StoredEvent): ThrottleTicket | null {
  if (!fn.throttle) return null;
  const { limit, periodMs, burst } = fn.throttle;
  return { key: `${fn.id}:${throttleKeyFor(fn, event)}`, limit, periodMs, burst };
}

export function readThrottleTicket(payload: Record<string, unknown>): ThrottleTicket | null {
  const parsed = throttleTicketSchema.safeParse(payload.throttle);
  return parsed.success ? parsed.data : null;
}

/**
 * Throttle as Inngest applies it: when a run *starts*. A throttled run waits in the queue like any
 * other, in priority order; when its first call comes up, it starts only if its key has a slot
 * (GCRA), and otherwise the key is closed until its next slot, so a higher-priority run that
 * arrives later still starts before the backlog. Kept in memory: one executor owns its store,
 * and after a restart the spacing simply starts afresh.
 */
export class ThrottleGate {
  private readonly tats = new Map<string, number>();
  private readonly closedUntil = new Map<string, number>();

  /** Keys without a free slot now: the claim query skips their waiting runs. */
  closedKeys(nowMs: number): string[] {
    for (const [key, until] of this.closedUntil) if (until <= nowMs) this.closedUntil.delete(key);
    return [...this.closedUntil.keys()];
  }

  /** Starts the run now (taking a slot), or closes its key until the next slot and says no. */
  tryStart(ticket: ThrottleTicket, nowMs: number): boolean {
    const schedule = throttleSchedule(this.tats.get(ticket.key) ?? null, nowMs, ticket);
    if (schedule.startAtMs > nowMs) {
      this.closedUntil.set(ticket.key, schedule.startAtMs);
      return false;
    }
    this.tats.set(ticket.key, schedule.tatMs);
    return true;
  }

  /** When the next closed key opens, to wake the queue then. */
  nextOpening(): number | null {
    return this.closedUntil.size > 0 ? Math.min(...this.closedUntil.values()) : null;
  }
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
