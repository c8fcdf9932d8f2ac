import { describe, expect, it } from "vitest";
import { TIME_ZONE_ALIASES } from "@/common/time-zones.generated";
import { canonicalTimeZone, countryOfTimeZone, TIME_ZONES, timeZoneCity, utcOffsetLabel } from "@/common/time-zones";

describe("the time zones a person can pick", () => {
  it("are IANA's current names, without legacy aliases, each one the runtime can format", () => {
    expect(TIME_ZONES).toContain("Asia/Kolkata");
    expect(TIME_ZONES).toContain("Europe/Kyiv");
    expect(TIME_ZONES).toContain("America/Argentina/Buenos_Aires");
    expect(TIME_ZONES).toContain("Etc/UTC");
    for (const legacy of ["Asia/Calcutta", "Europe/Kiev", "US/Eastern", "America/Buenos_Aires", "UTC", "EST5EDT", "Etc/GMT+5"]) {
      expect(TIME_ZONES).not.toContain(legacy);
    }
    for (const zone of TIME_ZONES) expect(() => new Intl.DateTimeFormat("en-US", { timeZone: zone })).not.toThrow();
    expect(new Set(TIME_ZONES).size).toBe(TIME_ZONES.length);
  });

  it("map every alias, in any case, onto a listed zone; anything else is not a zone", () => {
    expect(canonicalTimeZone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(canonicalTimeZone("us/eastern")).toBe("America/New_York");
    expect(canonicalTimeZone(" UTC ")).toBe("Etc/UTC");
    expect(canonicalTimeZone("america/chicago")).toBe("America/Chicago");
    for (const target of Object.values(TIME_ZONE_ALIASES)) expect(TIME_ZONES).toContain(target);
    for (const bad of ["", "Mars/Olympus", "GMT+5", "Etc/GMT+5", "America"]) expect(canonicalTimeZone(bad), bad).toBeNull();
  });

  it("show the offset in force at a moment, daylight saving included", () => {
    expect(utcOffsetLabel("America/New_York", new Date("2030-01-15T12:00:00Z"))).toBe("UTC−05:00");
    expect(utcOffsetLabel("America/New_York", new Date("2030-07-15T12:00:00Z"))).toBe("UTC−04:00");
    expect(utcOffsetLabel("Asia/Kathmandu", new Date("2030-07-15T12:00:00Z"))).toBe("UTC+05:45");
    expect(utcOffsetLabel("Etc/UTC", new Date("2030-07-15T12:00:00Z"))).toBe("UTC+00:00");
  });

  it("name a zone's city and country for searching", () => {
    expect(timeZoneCity("America/Argentina/Buenos_Aires")).toBe("Buenos Aires");
    expect(timeZoneCity("Etc/UTC")).toBe("UTC");
    expect(countryOfTimeZone("Europe/Berlin")).toBe("DE");
    expect(countryOfTimeZone("Etc/UTC")).toBe("");
  });
});
