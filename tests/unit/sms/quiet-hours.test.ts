import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { quietHoursEnd, type QuietWindow } from "@/server/sms/quiet-hours";
import { clockMinutes } from "@/server/time/wall-clock";

const NIGHT = { start: "21:00", end: "08:00" }; // wraps midnight
const EARLY = { start: "01:00", end: "06:00" };
const LUNCH = { start: "13:00", end: "14:00" };

/** Runs quietHoursEnd on an ISO instant and gives the answer back as ISO (or null). */
function endOf(iso: string, window: QuietWindow): string | null {
  return quietHoursEnd(new Date(iso), window)?.toISOString() ?? null;
}

describe("quietHoursEnd in America/New_York", () => {
  const ny = (w: { start: string; end: string }): QuietWindow => ({ ...w, timeZone: "America/New_York" });

  it("a wrapping window ends the next morning; before midnight and after it", () => {
    expect(endOf("2025-01-16T03:00:00Z", ny(NIGHT))).toBe("2025-01-16T13:00:00.000Z"); // 22:00 EST
    expect(endOf("2025-01-16T12:59:00Z", ny(NIGHT))).toBe("2025-01-16T13:00:00.000Z"); // 07:59 EST
  });

  it("start is inside, end is outside, the last millisecond is inside", () => {
    expect(endOf("2025-01-16T02:00:00Z", ny(NIGHT))).toBe("2025-01-16T13:00:00.000Z"); // 21:00 EST exactly
    expect(endOf("2025-01-16T01:59:59.999Z", ny(NIGHT))).toBeNull(); // 20:59:59.999
    expect(endOf("2025-01-16T12:59:59.999Z", ny(NIGHT))).toBe("2025-01-16T13:00:00.000Z");
    expect(endOf("2025-01-16T13:00:00Z", ny(NIGHT))).toBeNull(); // 08:00 EST exactly
    expect(endOf("2025-01-16T17:00:00Z", ny(NIGHT))).toBeNull(); // noon
  });

  it("non-wrapping windows, inside and on both sides", () => {
    expect(endOf("2025-01-16T06:00:00Z", ny(EARLY))).toBe("2025-01-16T11:00:00.000Z"); // 01:00 EST
    expect(endOf("2025-01-16T05:59:00Z", ny(EARLY))).toBeNull(); // 00:59
    expect(endOf("2025-01-16T11:00:00Z", ny(EARLY))).toBeNull(); // 06:00
    expect(endOf("2025-01-16T02:30:00Z", ny(EARLY))).toBeNull(); // 21:30 the evening before
    expect(endOf("2025-07-16T17:30:00Z", ny(LUNCH))).toBe("2025-07-16T18:00:00.000Z"); // 13:30 EDT
    expect(endOf("2025-07-16T18:00:00Z", ny(LUNCH))).toBeNull();
    expect(endOf("2025-07-16T16:59:00Z", ny(LUNCH))).toBeNull();
  });

  it("the spring-forward night is an hour shorter", () => {
    // 2025-03-09: 02:00 EST → 03:00 EDT. 23:00 EST on the 8th → 08:00 EDT on the 9th (9 hours).
    expect(endOf("2025-03-09T04:00:00Z", ny(NIGHT))).toBe("2025-03-09T12:00:00.000Z");
  });

  it("the fall-back night is an hour longer", () => {
    // 2025-11-02: 02:00 EDT → 01:00 EST. 23:00 EDT on the 1st → 08:00 EST on the 2nd (10 hours).
    expect(endOf("2025-11-02T03:00:00Z", ny(NIGHT))).toBe("2025-11-02T13:00:00.000Z");
  });

  it("an end in the skipped hour resolves to the first valid instant after it (03:00 EDT)", () => {
    const window = ny({ start: "01:00", end: "02:30" });
    expect(endOf("2025-03-09T06:30:00Z", window)).toBe("2025-03-09T07:00:00.000Z"); // 01:30 EST
    expect(endOf("2025-03-09T06:59:59.999Z", window)).toBe("2025-03-09T07:00:00.000Z");
    expect(endOf("2025-03-09T07:00:00Z", window)).toBeNull(); // 03:00 EDT
  });

  it("a start in the skipped hour opens the window at the first valid instant after it", () => {
    const window = ny({ start: "02:30", end: "06:00" });
    expect(endOf("2025-03-09T06:59:00Z", window)).toBeNull(); // 01:59 EST
    expect(endOf("2025-03-09T07:00:00Z", window)).toBe("2025-03-09T10:00:00.000Z"); // 03:00 EDT → 06:00 EDT
  });

  it("an end in the repeated hour resolves to its first occurrence, and the window does not reopen", () => {
    const window = ny({ start: "00:00", end: "01:30" });
    expect(endOf("2025-11-02T04:30:00Z", window)).toBe("2025-11-02T05:30:00.000Z"); // 00:30 EDT → 01:30 EDT
    expect(endOf("2025-11-02T05:29:00Z", window)).toBe("2025-11-02T05:30:00.000Z");
    expect(endOf("2025-11-02T05:30:00Z", window)).toBeNull(); // 01:30 EDT
    expect(endOf("2025-11-02T06:10:00Z", window)).toBeNull(); // 01:10 EST, the clock's second pass
  });

  it("a start in the repeated hour opens at its first occurrence and does not pause on the second pass", () => {
    const window = ny({ start: "01:30", end: "06:00" });
    expect(endOf("2025-11-02T05:10:00Z", window)).toBeNull(); // 01:10 EDT
    expect(endOf("2025-11-02T05:30:00Z", window)).toBe("2025-11-02T11:00:00.000Z"); // 01:30 EDT → 06:00 EST
    expect(endOf("2025-11-02T06:10:00Z", window)).toBe("2025-11-02T11:00:00.000Z"); // 01:10 EST
  });
});

describe("quietHoursEnd in Europe/Berlin", () => {
  const berlin = (w: { start: string; end: string }): QuietWindow => ({ ...w, timeZone: "Europe/Berlin" });

  it("across spring forward (2025-03-30 02:00 CET → 03:00 CEST)", () => {
    expect(endOf("2025-03-29T21:00:00Z", berlin(NIGHT))).toBe("2025-03-30T06:00:00.000Z"); // 22:00 CET → 08:00 CEST
    expect(endOf("2025-03-30T00:30:00Z", berlin(EARLY))).toBe("2025-03-30T04:00:00.000Z"); // 01:30 CET → 06:00 CEST
    expect(endOf("2025-03-30T00:30:00Z", berlin({ start: "01:00", end: "02:15" }))).toBe("2025-03-30T01:00:00.000Z");
  });

  it("across fall back (2025-10-26 03:00 CEST → 02:00 CET)", () => {
    expect(endOf("2025-10-25T20:00:00Z", berlin(NIGHT))).toBe("2025-10-26T07:00:00.000Z"); // 22:00 CEST → 08:00 CET
    const window = berlin({ start: "01:00", end: "02:30" });
    expect(endOf("2025-10-26T00:10:00Z", window)).toBe("2025-10-26T00:30:00.000Z"); // 02:10 CEST → 02:30 CEST
    expect(endOf("2025-10-26T01:10:00Z", window)).toBeNull(); // 02:10 CET, second pass
  });
});

describe("quietHoursEnd east of UTC", () => {
  it("Asia/Kolkata (+05:30)", () => {
    const window = { ...NIGHT, timeZone: "Asia/Kolkata" };
    expect(endOf("2025-06-01T15:30:00Z", window)).toBe("2025-06-02T02:30:00.000Z"); // 21:00 IST exactly
    expect(endOf("2025-06-01T17:30:00Z", window)).toBe("2025-06-02T02:30:00.000Z"); // 23:00 IST
    expect(endOf("2025-06-02T02:30:00Z", window)).toBeNull(); // 08:00 IST exactly
    expect(endOf("2025-06-01T15:29:00Z", window)).toBeNull();
  });

  it("Asia/Kathmandu (+05:45), where the local date is already the next day in UTC terms", () => {
    const window = { ...EARLY, timeZone: "Asia/Kathmandu" };
    expect(endOf("2025-05-31T19:15:00Z", window)).toBe("2025-06-01T00:15:00.000Z"); // 01:00 NPT on June 1
    expect(endOf("2025-06-01T00:14:00Z", window)).toBe("2025-06-01T00:15:00.000Z");
    expect(endOf("2025-06-01T00:15:00Z", window)).toBeNull();
    expect(endOf("2025-05-31T19:14:00Z", window)).toBeNull();
  });

  it("Australia/Lord_Howe, whose clock moves by 30 minutes", () => {
    const zone = "Australia/Lord_Howe";
    // 2025-04-06 02:00 (+11) → 01:30 (+10:30): 01:30–02:00 happens twice.
    const repeated = { start: "21:00", end: "01:45", timeZone: zone };
    expect(endOf("2025-04-05T12:00:00Z", repeated)).toBe("2025-04-05T14:45:00.000Z"); // first 01:45 (+11)
    expect(endOf("2025-04-05T15:10:00Z", repeated)).toBeNull(); // 01:40 (+10:30), second pass
    // 2025-10-05 02:00 (+10:30) → 02:30 (+11): 02:00–02:30 never happens.
    const skipped = { start: "22:00", end: "02:15", timeZone: zone };
    expect(endOf("2025-10-04T12:30:00Z", skipped)).toBe("2025-10-04T15:30:00.000Z"); // → 02:30 (+11)
    expect(endOf("2025-10-04T11:30:00Z", { ...NIGHT, timeZone: zone })).toBe("2025-10-04T21:00:00.000Z"); // 22:00 → 08:00 (+11)
  });
});

describe("quietHoursEnd input rules", () => {
  it("a window that starts when it ends is invalid and gives null", () => {
    expect(endOf("2025-01-16T03:00:00Z", { start: "08:00", end: "08:00", timeZone: "UTC" })).toBeNull();
    expect(endOf("2025-01-16T08:00:00Z", { start: "08:00", end: "08:00", timeZone: "UTC" })).toBeNull();
  });

  it("malformed times and unknown zones are refused", () => {
    expect(() => quietHoursEnd(new Date(), { start: "9:00", end: "08:00", timeZone: "UTC" })).toThrow(RangeError);
    expect(() => quietHoursEnd(new Date(), { start: "21:00", end: "24:00", timeZone: "UTC" })).toThrow(RangeError);
    expect(() => quietHoursEnd(new Date(), { ...NIGHT, timeZone: "Mars/Olympus_Mons" })).toThrow(RangeError);
    expect(() => quietHoursEnd(new Date(Number.NaN), { ...NIGHT, timeZone: "UTC" })).toThrow(RangeError);
  });
});

/**
 * Every zone the runtime knows. Two independent checks of each answer:
 * - away from clock changes, "inside" is plain wall-clock arithmetic on the zone's offset;
 * - around each of the zone's 2025 clock changes, a brute-force oracle walks the clock in
 *   15-minute steps and finds the first step showing each window edge (or a later time).
 * Plus the stated invariants: null or after `at`; the answer shows the end time, or is the
 * jump over it.
 */
describe("quietHoursEnd in every IANA zone", () => {
  const MINUTE = 60_000;
  const STEP = 15 * MINUTE;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  const zones = Intl.supportedValuesOf("timeZone");

  const minuteOfDay = (wall: number) => (((wall % DAY) + DAY) % DAY) / MINUTE;
  /** A zone's clock: instant → local wall time (ms, written as if UTC). */
  type Clock = (t: number) => number;
  const zoneClock = (zone: IANAZone): Clock => (t) => t + zone.offset(t) * MINUTE;
  const fixedClock = (offset: number): Clock => (t) => t + offset * MINUTE;

  /** The stated invariants; returns what is wrong (empty when right). Plain checks: this runs ~10k times. */
  function invariantErrors(at: number, window: QuietWindow, wallOf: Clock, result: Date | null): string[] {
    if (result === null) return [];
    const r = result.getTime();
    const errors: string[] = [];
    if (!(r > at)) errors.push("not after `at`");
    if (r - at > DAY + 2 * HOUR) errors.push("more than a day away");
    const end = clockMinutes(window.end);
    const shown = minuteOfDay(wallOf(r));
    if (shown !== end) {
      // Not the end time: then it must be a jump forward over it, the skipped stretch being
      // [justBefore, shown) in wall-clock minutes (possibly across midnight).
      const justBefore = minuteOfDay(wallOf(r - 1) + 1);
      const jumpsForward = wallOf(r) - r > wallOf(r - 1) - (r - 1);
      const crossed = justBefore <= shown ? justBefore <= end && end < shown : end >= justBefore || end < shown;
      if (!jumpsForward || !crossed) errors.push(`shows minute ${shown}, not the end and not a jump over it`);
    } else if ([15, 30, 45, 60, 90, 120].some((back) => minuteOfDay(wallOf(r - back * MINUTE)) === end)) {
      errors.push("not the end time's first occurrence");
    }
    const where = `${window.timeZone} ${new Date(at).toISOString()} ${window.start}-${window.end} → ${result.toISOString()}`;
    return errors.map((e) => `${where}: ${e}`);
  }

  it("away from clock changes: inside exactly when the wall clock is in the window", () => {
    const failures: string[] = [];
    let checked = 0;
    const instants = ["2025-01-15T03:00:00Z", "2025-04-15T15:45:00Z", "2025-07-15T20:15:00Z"];
    for (const name of zones) {
      const zone = IANAZone.create(name);
      for (const iso of instants) {
        const at = Date.parse(iso);
        const offset = zone.offset(at);
        const stable = zone.offset(at - 2 * DAY) === offset && offset === zone.offset(at + 2 * DAY);
        const wallOf = stable ? fixedClock(offset) : zoneClock(zone);
        for (const w of [NIGHT, EARLY, LUNCH]) {
          const window = { ...w, timeZone: name };
          const result = quietHoursEnd(new Date(at), window);
          failures.push(...invariantErrors(at, window, wallOf, result));
          if (!stable) continue;
          const now = minuteOfDay(wallOf(at));
          const [s, e] = [clockMinutes(w.start), clockMinutes(w.end)];
          const inside = s < e ? s <= now && now < e : now >= s || now < e;
          if ((result !== null) !== inside) failures.push(`${name} ${iso} ${w.start}-${w.end}: inside=${inside}, got ${result?.toISOString()}`);
          checked++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(zones.length * 6); // most zones keep one offset through mid-month
  }, 60_000);

  /** Each offset change in 2025: the instant and the offsets either side (fortnightly scan, then bisection). */
  function transitionsIn2025(zone: IANAZone) {
    const found: { at: number; before: number; after: number }[] = [];
    const from = Date.parse("2025-01-01T00:00:00Z");
    const SCAN = 14 * DAY; // clock changes are further apart than this
    let previous = zone.offset(from);
    for (let t = from; t < from + 365 * DAY; t += SCAN) {
      const next = zone.offset(t + SCAN);
      if (next !== previous) {
        let [lo, hi] = [t, t + SCAN];
        while (hi - lo > MINUTE) {
          const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
          if (zone.offset(mid) === previous) lo = mid;
          else hi = mid;
        }
        found.push({ at: hi, before: previous, after: next });
      }
      previous = next;
    }
    return found;
  }

  /** The first 15-minute step (chronologically) whose wall clock shows `wall` or later. */
  function firstShowing(wall: number, steps: { t: number; wall: number }[]) {
    return steps.find((s) => s.wall >= wall)?.t;
  }

  it("around every clock change: the answer matches a brute-force walk of the clock", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const name of zones) {
      const zone = IANAZone.create(name);
      for (const change of transitionsIn2025(zone)) {
        if (change.at % STEP !== 0) failures.push(`${name} changes off the 15-minute grid at ${change.at}`);
        // The clock around the change, as arithmetic (no zone lookups): one offset before, one after.
        const wall = (t: number) => t + (t < change.at ? change.before : change.after) * MINUTE;
        const steps: { t: number; wall: number }[] = [];
        for (let t = change.at - 80 * HOUR; t <= change.at + 100 * HOUR; t += STEP) steps.push({ t, wall: wall(t) });
        if (zone.offset(change.at - 80 * HOUR) !== change.before || zone.offset(change.at + 100 * HOUR) !== change.after) {
          failures.push(`${name}: more than one change around ${new Date(change.at).toISOString()}`);
        }

        // Windows with an edge inside the skipped or repeated stretch or at either end of it, plus
        // the everyday night window. "Shown" = minute of day; the stretch may span midnight.
        const shownBefore = minuteOfDay(change.at + change.before * MINUTE); // had the clock not changed
        const shownAfter = minuteOfDay(change.at + change.after * MINUTE);
        const shift = change.after - change.before;
        const middle = shownBefore + Math.round(shift / 2 / 15) * 15;
        const clock = (m: number) => {
          const x = ((m % 1440) + 1440) % 1440;
          return `${String(Math.floor(x / 60)).padStart(2, "0")}:${String(x % 60).padStart(2, "0")}`;
        };
        const windows = [
          { start: clock(middle - 60), end: clock(middle) },
          { start: clock(middle), end: clock(middle + 180) },
          { start: clock(shownBefore), end: clock(shownBefore + 120) },
          { start: clock(shownAfter - 120), end: clock(shownAfter) },
          NIGHT,
        ];
        for (const w of windows) {
          const window = { ...w, timeZone: name };
          const [s, e] = [clockMinutes(w.start), clockMinutes(w.end)];
          for (const k of [-6, -2, -1, 0, 1, 2, 6]) {
            const at = change.at + k * STEP;
            const result = quietHoursEnd(new Date(at), window);
            failures.push(...invariantErrors(at, window, wall, result));
            // Oracle: the window of local date D runs from the first step showing D+start to the
            // first step showing (D or D+1)+end; `at` is in one of them or in none.
            const day = Math.floor(wall(at) / DAY);
            let expected: number | null = null;
            for (const d of [day - 1, day, day + 1]) {
              const opens = firstShowing(d * DAY + s * MINUTE, steps)!;
              const closes = firstShowing((s < e ? d : d + 1) * DAY + e * MINUTE, steps)!;
              if (opens <= at && at < closes) expected = closes;
            }
            if ((result?.getTime() ?? null) !== expected) {
              const show = (x: number | null) => (x === null ? "null" : new Date(x).toISOString());
              failures.push(`${name} ${show(at)} ${w.start}-${w.end}: expected ${show(expected)}, got ${show(result?.getTime() ?? null)}`);
            }
            checked++;
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1000); // the scan found the world's clock changes
  }, 120_000);
});
