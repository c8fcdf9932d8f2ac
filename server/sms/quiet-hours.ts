import { clockMinutes, DAY_MS, instantOfWallTime, localDayOf, MINUTE_MS, offsetsOf } from "../time/wall-clock";

/** A daily quiet window: local wall-clock "HH:MM" times in an IANA zone; it may wrap midnight. */
export interface QuietWindow {
  start: string;
  end: string;
  timeZone: string;
}

/**
 * The instant the quiet window containing `at` ends, or null when `at` is outside it.
 *
 * The window happens once per local date: it opens at `start` on that date and closes at `end`
 * on the same date, or on the next one when it wraps midnight (start > end). Start is
 * inclusive, end exclusive. Both edges are wall-clock times resolved by the one rule of
 * server/time/wall-clock.ts (a skipped time → the moment of the jump, a repeated time → its
 * first occurrence), so the window is one unbroken stretch of real time: a window that has
 * ended does not reopen when the clock repeats the hour, and one that has begun does not pause.
 * A window whose start equals its end is invalid (empty, or all day? the preferences schema
 * refuses it) and is treated as no quiet hours: null. A malformed clock time or unknown zone is a programming error (the
 * preferences schema rejects both) and throws a RangeError.
 */
export function quietHoursEnd(at: Date, window: QuietWindow): Date | null {
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  const offsetAt = offsetsOf(window.timeZone);
  if (start === end) return null;

  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError("Invalid date");
  const wraps = start > end;
  // Local date of `at`, as a day number. Only the windows opening the day before, that day or
  // the day after can contain it; windows never overlap, so the first hit is the only one.
  // The day after matters only when the clock falls back across midnight.
  const localDay = localDayOf(offsetAt, t);
  for (const day of [localDay - 1, localDay, localDay + 1]) {
    const opens = instantOfWallTime(offsetAt, day * DAY_MS + start * MINUTE_MS);
    if (opens > t) return null; // later windows open later still
    const closes = instantOfWallTime(offsetAt, (wraps ? day + 1 : day) * DAY_MS + end * MINUTE_MS);
    if (t < closes) return new Date(closes);
  }
  return null;
}
