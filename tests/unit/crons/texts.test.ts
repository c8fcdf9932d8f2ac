import { describe, expect, it } from "vitest";
import { mainFocusText, NOTHING_DUE_FOCUS } from "@/server/daily-brief/main-focus";
import { briefInstant, localRanges } from "@/server/daily-brief/local-window";
import { quietHoursEnd } from "@/server/sms/quiet-hours";
import { reminderVariables } from "@/server/reminders/text";
import { renderTemplate } from "@/server/templates/render";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";

const body = (key: string) => DEFAULT_TEMPLATES.find((t) => t.key === key)!.body;

describe("task reminder text", () => {
  it("says when the task is due on the reader's clock, not a countdown", () => {
    const vars = reminderVariables(
      { title: "Send the invoice", project: "Acme", dueAt: new Date("2026-07-01T19:30:00Z") },
      "America/New_York",
      new Date("2026-07-01T18:30:00Z"),
      { replyRef: 1, actOnReplies: true },
    );
    const rendered = renderTemplate(body("task_reminder"), vars);
    expect(rendered).toEqual({ ok: true, body: "BuildOS: Send the invoice is due at 3:30 PM. Project: Acme. Reply DONE or SNOOZE." });
  });

  it("carries its reference when other reminders are open, and asks for no reply when replies do not act", () => {
    const task = { title: "Pay rent", project: "", dueAt: new Date("2026-07-01T19:30:00Z") };
    const at = new Date("2026-07-01T18:30:00Z");
    expect(reminderVariables(task, "UTC", at, { replyRef: 2, actOnReplies: true }).reply_hint).toBe("Reply DONE 2 or SNOOZE 2.");
    expect(reminderVariables(task, "UTC", at, { replyRef: 2, actOnReplies: false }).reply_hint).toBe("Open BuildOS to mark it done.");
  });

  it("names the day when the due time is past the reader's midnight", () => {
    const vars = reminderVariables(
      { title: "Standup", project: "", dueAt: new Date("2026-07-02T03:00:00Z") }, // 08:30 on the 2nd in Kolkata
      "Asia/Kolkata",
      new Date("2026-07-01T18:00:00Z"), // 23:30 on the 1st
      { replyRef: 1, actOnReplies: true },
    );
    expect(vars.due_time).toBe("tomorrow at 8:30 AM");
    expect(vars.task_context).toBe("Open BuildOS for details.");
  });

  it("keeps a long title short and in GSM-7", () => {
    const vars = reminderVariables({ title: "x".repeat(300), project: "", dueAt: new Date() }, "UTC", new Date(), {
      replyRef: 1,
      actOnReplies: true,
    });
    expect(vars.task_name).toHaveLength(80);
    expect(vars.task_name!.endsWith("...")).toBe(true);
  });
});

describe("daily brief main focus", () => {
  const briefAt = new Date("2026-07-01T12:00:00Z");
  it("names the task and its due time in the reader's zone", () => {
    expect(mainFocusText({ title: "Ship v2", dueAt: new Date("2026-07-01T21:15:00Z") }, "America/Chicago", briefAt)).toBe("Ship v2 (due 4:15 PM)");
  });
  it("says overdue for a task already past due", () => {
    expect(mainFocusText({ title: "Taxes", dueAt: new Date("2026-06-30T12:00:00Z") }, "America/Chicago", briefAt)).toBe("Taxes (overdue)");
  });
  it("has a sensible text when nothing is due", () => {
    const rendered = renderTemplate(body("daily_brief_ready"), { main_focus: mainFocusText(null, "UTC", briefAt) });
    expect(rendered).toEqual({ ok: true, body: `BuildOS: your daily brief is ready. Key focus: ${NOTHING_DUE_FOCUS}. Open the app for details.` });
  });
});

describe("local brief ranges", () => {
  it("covers zones offset by :30 and :45 with their own local times", () => {
    const ranges = localRanges(["Asia/Kolkata", "Asia/Kathmandu"], new Date("2026-01-15T02:00:00Z"), new Date("2026-01-15T02:20:00Z"));
    expect(ranges.map((r) => [r.timeZone, r.localDate, r.fromTime, r.toTime])).toEqual([
      ["Asia/Kolkata", "2026-01-15", "07:30", "07:50"],
      ["Asia/Kathmandu", "2026-01-15", "07:45", "08:05"],
    ]);
  });

  it("splits a window that crosses local midnight into two dates", () => {
    const ranges = localRanges(["UTC"], new Date("2026-01-15T23:50:00Z"), new Date("2026-01-16T00:10:00Z"));
    expect(ranges.map((r) => [r.localDate, r.fromTime, r.toTime])).toEqual([
      ["2026-01-15", "23:50", "24:00"],
      ["2026-01-16", "00:00", "00:10"],
    ]);
  });

  it("widens over a DST change so skipped local times are still found", () => {
    // New York springs forward at 07:00Z on 2026-03-08 (02:00 EST → 03:00 EDT).
    const [range] = localRanges(["America/New_York"], new Date("2026-03-08T06:45:00Z"), new Date("2026-03-08T07:45:00Z"));
    expect([range!.fromTime, range!.toTime]).toEqual(["01:45", "03:45"]);
    // A skipped time is the moment of the jump (03:00 EDT), as quiet hours resolve it.
    expect(briefInstant("America/New_York", "2026-03-08", "02:30").toISOString()).toBe("2026-03-08T07:00:00.000Z");
  });

  it("resolves a repeated local time to its first occurrence, as quiet hours do", () => {
    // New York falls back at 06:00Z on 2026-11-01 (02:00 EDT → 01:00 EST): 01:30 happens twice.
    expect(briefInstant("America/New_York", "2026-11-01", "01:30").toISOString()).toBe("2026-11-01T05:30:00.000Z");
    const quietEnd = quietHoursEnd(new Date("2026-11-01T04:00:00Z"), { start: "00:00", end: "01:30", timeZone: "America/New_York" });
    expect(quietEnd?.toISOString()).toBe(briefInstant("America/New_York", "2026-11-01", "01:30").toISOString());
  });
});
