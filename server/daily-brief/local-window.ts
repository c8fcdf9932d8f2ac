import { DateTime } from "luxon";
import { instantOfLocalTime } from "../time/wall-clock";

/**
 * One zone's share of a sweep window, on one local date: the local brief times ("HH:MM",
 * inclusive) that can fall inside the window. A hull, never too narrow: the exact instant of
 * each candidate is checked with `briefInstant`.
 */
export interface LocalRange {
  timeZone: string;
  /** ISO date (YYYY-MM-DD) in the zone. */
  localDate: string;
  fromTime: string;
  /** Inclusive; "24:00" when the range runs to the end of the day. */
  toTime: string;
  /** Start of the next local day: tasks due before it are due "today" for this brief. */
  dayEnd: Date;
}

const MINUTE_MS = 60_000;

/**
 * The local wall-clock ranges that map into [from, to) in each zone, split by local date. Over a
 * window of a few hours the zone's UTC offset takes at most two values (before and after a DST
 * change), and a local time always maps to an instant with one of them, so the hull from
 * `from + smaller offset` to `to + larger offset` holds every local time that can fall inside
 * the window, including times skipped or repeated by the change.
 */
export function localRanges(zones: readonly string[], from: Date, to: Date): LocalRange[] {
  const ranges: LocalRange[] = [];
  for (const timeZone of zones) {
    const start = DateTime.fromJSDate(from, { zone: timeZone });
    const end = DateTime.fromJSDate(to, { zone: timeZone });
    if (!start.isValid || !end.isValid) continue; // validated on input; never let one bad row stop the sweep
    const low = Math.min(start.offset, end.offset);
    const high = Math.max(start.offset, end.offset);
    // Wall-clock times as UTC-labelled DateTimes, so arithmetic on them is plain.
    const lo = DateTime.fromMillis(from.getTime() + low * MINUTE_MS, { zone: "utc" });
    const hi = DateTime.fromMillis(to.getTime() + high * MINUTE_MS, { zone: "utc" });
    for (let day = lo.startOf("day"); day <= hi; day = day.plus({ days: 1 })) {
      const localDate = day.toISODate()!;
      ranges.push({
        timeZone,
        localDate,
        fromTime: day.hasSame(lo, "day") ? lo.toFormat("HH:mm") : "00:00",
        toTime: day.hasSame(hi, "day") ? hi.toFormat("HH:mm") : "24:00",
        dayEnd: instantOfLocalTime(timeZone, day.plus({ days: 1 }).toISODate()!, "00:00"),
      });
    }
  }
  return ranges;
}

/**
 * The instant of a local brief time on a local date, by the one wall-clock rule
 * (server/time/wall-clock.ts): a time skipped by a DST change (02:30 on the spring-forward night)
 * is the moment of the jump; a time the fall-back night repeats is its first occurrence. Either
 * way a brief has exactly one instant, the same one quiet hours would give that time.
 */
export function briefInstant(timeZone: string, localDate: string, localTime: string): Date {
  return instantOfLocalTime(timeZone, localDate, localTime);
}
