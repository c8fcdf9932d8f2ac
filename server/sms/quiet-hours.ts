import { IANAZone } from "luxon";

/** A daily quiet window: local wall-clock "HH:MM" times in an IANA zone; it may wrap midnight. */
export interface QuietWindow {
  start: string;
  end: string;
  timeZone: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The instant the quiet window containing `at` ends, or null when `at` is outside it.
 *
 * The window happens once per local date: it opens at `start` on that date and closes at `end`
 * on the same date, or on the next one when it wraps midnight (start > end). Start is
 * inclusive, end exclusive. Both edges are wall-clock times resolved the same way, so the
 * window is one unbroken stretch of real time:
 * - a time the clock skips (spring forward) resolves to the first valid instant after it —
 *   the moment of the jump (02:30 on the US spring-forward night → 03:00);
 * - a time the clock shows twice (fall back) resolves to its first occurrence, so a window
 *   that has ended does not reopen when the clock repeats the hour, and one that has begun
 *   does not pause.
 * A window whose start equals its end is invalid (empty, or all day? the preferences schema
 * refuses it) and is treated as no quiet hours: null. A malformed clock time or unknown zone is a programming error (the
 * preferences schema rejects both) and throws a RangeError.
 */
export function quietHoursEnd(at: Date, window: QuietWindow): Date | null {
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  const zone = IANAZone.create(window.timeZone);
  if (!zone.isValid) throw new RangeError(`Unknown time zone: ${window.timeZone}`);
  if (start === end) return null;

  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError("Invalid date");
  const wraps = start > end;
  // Local date of `at`, as a day number. Only the windows opening the day before, that day or
  // the day after can contain it; windows never overlap, so the first hit is the only one.
  // The day after matters only when the clock falls back across midnight.
  const offsetAt = memoizedOffset(zone);
  const localDay = Math.floor((t + offsetAt(t) * MINUTE) / DAY);
  for (const day of [localDay - 1, localDay, localDay + 1]) {
    const opens = instantOfWallTime(offsetAt, day * DAY + start * MINUTE);
    if (opens > t) return null; // later windows open later still
    const closes = instantOfWallTime(offsetAt, (wraps ? day + 1 : day) * DAY + end * MINUTE);
    if (t < closes) return new Date(closes);
  }
  return null;
}

/** Minutes after midnight of an "HH:MM" wall-clock time. */
export function clockMinutes(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match) throw new RangeError(`Expected a 24-hour HH:MM time, got "${clock}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The instant a zone's clock shows `wall` (local milliseconds written as if UTC): its first
 * occurrence when the clock shows it twice, the instant of the jump when the clock skips it.
 * Same approach as Temporal's disambiguation: the offsets a day either side are the only
 * candidates, since zones change offset at most once in two days.
 */
function instantOfWallTime(offsetAt: (t: number) => number, wall: number): number {
  const before = offsetAt(wall - DAY);
  const after = offsetAt(wall + DAY);
  const candidates = [...new Set([wall - before * MINUTE, wall - after * MINUTE])].filter(
    (c) => c + offsetAt(c) * MINUTE === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped: the clock jumps from `before` to `after` somewhere in (wall - after, wall - before].
  // Find the first instant on the new offset (binary search to the millisecond).
  let lo = wall - after * MINUTE;
  let hi = wall - before * MINUTE;
  if (!(lo < hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The zone's UTC offset in minutes at an instant, remembered for one call (Intl lookups are the cost). */
function memoizedOffset(zone: IANAZone): (t: number) => number {
  const seen = new Map<number, number>();
  return (t) => {
    let offset = seen.get(t);
    if (offset === undefined) {
      offset = zone.offset(t);
      seen.set(t, offset);
    }
    return offset;
  };
}
