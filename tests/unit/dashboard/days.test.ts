import { describe, expect, it } from "vitest";
import { dashboardDays, offsetSplitsHours } from "@/server/dashboard/days";

const hours = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 3_600_000;

describe("the dashboard's days in the admin's time zone", () => {
  it("are local midnight to midnight: a 4:54 PM text in Los Angeles is today there, not tomorrow (UTC)", () => {
    const now = new Date("2026-01-16T00:54:00Z"); // 4:54 PM PST on 15 January
    const window = dashboardDays(1, "America/Los_Angeles", now);
    expect(window.days).toEqual(["2026-01-15"]);
    expect(window.from.toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(window.end.toISOString()).toBe("2026-01-16T08:00:00.000Z");
    expect(dashboardDays(1, "Etc/UTC", now).days).toEqual(["2026-01-16"]);
  });

  it("make the spring-forward day 23 hours and the fall-back day 25 (Los Angeles, 2026)", () => {
    const spring = dashboardDays(1, "America/Los_Angeles", new Date("2026-03-08T20:00:00Z"));
    expect(spring.days).toEqual(["2026-03-08"]);
    expect(hours(spring.from, spring.end)).toBe(23);
    const fall = dashboardDays(1, "America/Los_Angeles", new Date("2026-11-01T20:00:00Z"));
    expect(fall.days).toEqual(["2026-11-01"]);
    expect(hours(fall.from, fall.end)).toBe(25);
  });

  it("list every day of the range once across a clock change, oldest first", () => {
    const week = dashboardDays(7, "Europe/Berlin", new Date("2026-03-30T10:00:00Z")); // Berlin moved forward on 29 March
    expect(week.days).toEqual(["2026-03-24", "2026-03-25", "2026-03-26", "2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]);
    expect(week.from.toISOString()).toBe("2026-03-23T23:00:00.000Z"); // midnight CET
    expect(week.end.toISOString()).toBe("2026-03-30T22:00:00.000Z"); // midnight CEST
    expect(hours(week.from, week.end)).toBe(7 * 24 - 1);
  });

  it("flag zones off UTC by part of an hour, whose day edges the hourly rollup cannot cut exactly", () => {
    const at = new Date("2026-03-10T12:00:00Z");
    expect(offsetSplitsHours("Asia/Kolkata", at)).toBe(true);
    expect(offsetSplitsHours("Asia/Kathmandu", at)).toBe(true);
    expect(offsetSplitsHours("America/Los_Angeles", at)).toBe(false);
  });
});
