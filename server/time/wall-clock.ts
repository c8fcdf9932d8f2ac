import { IANAZone } from "luxon";

/**
 * The one rule for turning a local wall-clock time into an instant, for every caller (quiet
 * hours, the daily brief, day boundaries). Wall-clock times are resolved so that a daily window
 * is one unbroken stretch of real time and every local time has exactly one instant:
 * - a time the clock skips (spring forward) resolves to the moment of the jump
 *   (02:30 on the US spring-forward night → 03:00 EDT);
 * - a time the clock shows twice (fall back) resolves to its first occurrence.
 * Same approach as Temporal's disambiguation ("compatible" for repeats, the jump for gaps).
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A zone's UTC offset in minutes at an instant, remembered for one computation (Intl lookups are the cost). */
export type OffsetAt = (t: number) => number;

export function offsetsOf(timeZone: string): OffsetAt {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
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

/** Minutes after midnight of an "HH:MM" wall-clock time. */
export function clockMinutes(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match) throw new RangeError(`Expected a 24-hour HH:MM time, got "${clock}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The local day number (days since 1970-01-01 on the zone's calendar) of an instant. */
export function localDayOf(offsetAt: OffsetAt, t: number): number {
  return Math.floor((t + offsetAt(t) * MINUTE_MS) / DAY_MS);
}

/**
 * The instant a zone's clock shows `wall` (local milliseconds written as if UTC), by the rule
 * above. The offsets a day either side are the only candidates, since zones change offset at
 * most once in two days.
 */
export function instantOfWallTime(offsetAt: OffsetAt, wall: number): number {
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const candidates = [...new Set([wall - before * MINUTE_MS, wall - after * MINUTE_MS])].filter(
    (c) => c + offsetAt(c) * MINUTE_MS === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped: the clock jumps from `before` to `after` somewhere in (wall - after, wall - before].
  // Find the first instant on the new offset (binary search to the millisecond).
  let lo = wall - after * MINUTE_MS;
  let hi = wall - before * MINUTE_MS;
  if (!(lo < hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The instant of "HH:MM" on a local date ("YYYY-MM-DD") in an IANA zone, by the rule above. */
export function instantOfLocalTime(timeZone: string, localDate: string, clock: string): Date {
  const match = ISO_DATE.exec(localDate);
  if (!match) throw new RangeError(`Expected a YYYY-MM-DD date, got "${localDate}"`);
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(instantOfWallTime(offsetsOf(timeZone), day + clockMinutes(clock) * MINUTE_MS));
}
