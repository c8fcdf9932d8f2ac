// Inngest time strings ("30s", "1h30m", "2d"), sleep targets, Retry-After and retry backoff.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_PATTERN = /^(\d+(?:\.\d+)?(ms|s|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Parses "1h30m" style durations into milliseconds; null when the text is not a duration. */
export function parseDurationMs(text: string): number | null {
  const compact = text.trim().replace(/\s+/g, "");
  if (!DURATION_PATTERN.test(compact)) return null;
  let total = 0;
  for (const match of compact.matchAll(DURATION_PART)) {
    const unit = UNIT_MS[match[2] ?? ""];
    if (unit === undefined) return null;
    total += Number(match[1]) * unit;
  }
  return total;
}

/** A Sleep op carries either a duration ("2s") or an ISO date (sleepUntil) in `name`. */
export function sleepWakeAt(target: string, nowMs: number): number | null {
  const durationMs = parseDurationMs(target);
  if (durationMs !== null) return nowMs + durationMs;
  const dateMs = Date.parse(target);
  return Number.isNaN(dateMs) ? null : dateMs;
}

/** `Retry-After` is whole seconds (RetryAfterError with a duration) or a date (with a Date). */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return nowMs + Number(trimmed) * 1_000;
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? null : Math.max(nowMs, dateMs);
}

/**
 * Delay before retry number `attempt` (1 = first retry). Faster than Inngest Cloud on purpose:
 * this is a development executor, and tests move the clock instead of waiting.
 */
export function defaultRetryBackoffMs(attempt: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 60_000);
}

