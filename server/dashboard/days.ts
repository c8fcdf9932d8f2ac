import { DateTime } from "luxon";

/**
 * The dashboard's days: the last `count` calendar days in `timeZone` (today included), as the
 * instants they start and end at. A day is midnight to midnight on that zone's clocks, so the
 * day clocks change is 23 or 25 hours long, and a 4:54 PM text in Los Angeles counts under the
 * day it was sent there, not under tomorrow's UTC date.
 */
export function dashboardDays(count: number, timeZone: string, now: Date) {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf("day");
  const first = today.minus({ days: count - 1 });
  return {
    /** Each day's date in the zone, oldest first ("2026-03-08"). */
    days: Array.from({ length: count }, (_, i) => first.plus({ days: i }).toISODate()!),
    /** When the first day began. */
    from: first.toJSDate(),
    /** When today ends (tomorrow's midnight in the zone). */
    end: today.plus({ days: 1 }).toJSDate(),
  };
}

/**
 * Whether `timeZone` is off UTC by a part of an hour at `at` (India's +05:30, Nepal's +05:45):
 * the rollup counts whole UTC hours, so there a day's first and last minutes fall in a
 * neighbouring day — the page says so.
 */
export function offsetSplitsHours(timeZone: string, at: Date): boolean {
  return DateTime.fromJSDate(at, { zone: timeZone }).offset % 60 !== 0;
}
