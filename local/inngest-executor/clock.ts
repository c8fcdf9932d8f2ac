/**
 * The executor's notion of time: real time plus an offset that only moves forward.
 * Sleeps, waitForEvent timeouts, retries, throttling and crons all read this clock, so a test
 * can advance it instead of waiting. Leases use real time: they are about process liveness.
 */
export interface Clock {
  now(): number;
  offsetMs(): number;
  /** Moves the clock forward by `ms` (negative values are rejected). Returns the new now(). */
  advance(ms: number): number;
  /** Restores an offset, e.g. the one persisted before a restart. */
  setOffset(offsetMs: number): void;
  onChange(listener: () => void): () => void;
}

export function createClock(options: { offsetMs?: number; realNow?: () => number } = {}): Clock {
  const realNow = options.realNow ?? Date.now;
  let offset = options.offsetMs ?? 0;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };

  return {
    now: () => realNow() + offset,
    offsetMs: () => offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward (got ${ms} ms)`);
      offset += ms;
      notify();
      return realNow() + offset;
    },
    setOffset(offsetMs) {
      offset = offsetMs;
      notify();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
