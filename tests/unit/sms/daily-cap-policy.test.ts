import { describe, expect, it } from "vitest";
import { countsTowardDailyCap, localDateFor } from "@/server/sms/daily-cap";

describe("countsTowardDailyCap", () => {
  it("account texts neither count nor are refused, whatever their priority", () => {
    expect(countsTowardDailyCap({ category: "account", priority: "normal" })).toEqual({ counts: false, refusable: false });
    expect(countsTowardDailyCap({ category: "account", priority: "urgent" })).toEqual({ counts: false, refusable: false });
  });

  it("urgent texts count but are never refused", () => {
    expect(countsTowardDailyCap({ category: "urgent_alerts", priority: "urgent" })).toEqual({ counts: true, refusable: false });
    expect(countsTowardDailyCap({ category: "task_reminders", priority: "urgent" })).toEqual({ counts: true, refusable: false });
  });

  it.each(["high", "normal", "low"] as const)("other %s texts count and are refused over the cap", (priority) => {
    for (const category of ["task_reminders", "daily_brief", "urgent_alerts"] as const) {
      expect(countsTowardDailyCap({ category, priority })).toEqual({ counts: true, refusable: true });
    }
  });
});

describe("localDateFor", () => {
  it("is the calendar date in the user's zone", () => {
    const at = new Date("2025-06-15T12:00:00Z");
    expect(localDateFor(at, "America/Los_Angeles")).toBe("2025-06-15");
    expect(localDateFor(at, "Pacific/Auckland")).toBe("2025-06-16");
    expect(localDateFor(new Date("2025-06-15T18:14:59Z"), "Asia/Kathmandu")).toBe("2025-06-15");
    expect(localDateFor(new Date("2025-06-15T18:15:00Z"), "Asia/Kathmandu")).toBe("2025-06-16");
  });

  it("refuses an unknown zone", () => {
    expect(() => localDateFor(new Date(), "Mars/Olympus_Mons")).toThrow(RangeError);
  });
});
