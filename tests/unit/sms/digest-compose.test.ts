import { describe, expect, it } from "vitest";
import { composeDigest, lineFromBody, type DigestItem } from "@/server/sms/digest/compose";
import { segmentInfo } from "@/server/templates/render";

const reminders = (titles: string[]): DigestItem[] => titles.map((title, i) => ({ ref: i + 1, line: `${title} at 9:00 AM` }));

describe("the digest's text", () => {
  it("lists every item with its reference, says how to reply, and stays GSM-7", () => {
    const digest = composeDigest(reminders(["Call Ana", "Pay rent", "Draft report"]), { actOnReplies: true });
    expect(digest.body).toBe(
      "BuildOS: 3 reminders: 1) Call Ana at 9:00 AM; 2) Pay rent at 9:00 AM; 3) Draft report at 9:00 AM. Reply DONE or SNOOZE with a number, e.g. DONE 1.",
    );
    expect(digest).toMatchObject({ listed: 3, segments: 1, encoding: "GSM-7" });
  });

  it("keeps each reminder's own reference, so DONE 5 means what the reminder would have said", () => {
    const digest = composeDigest(
      [
        { ref: 5, line: "Call Ana" },
        { ref: 2, line: "Pay rent" },
      ],
      { actOnReplies: true },
    );
    expect(digest.body).toContain("5) Call Ana; 2) Pay rent.");
    expect(digest.body).toContain("e.g. DONE 5.");
  });

  it("past the segment budget, the rest are summarised as '+N more' and the text fits the budget", () => {
    const titles = Array.from({ length: 12 }, (_, i) => `Inspect the formwork on level ${i + 1} before the pour`);
    for (const maxSegments of [1, 2, 3]) {
      const digest = composeDigest(reminders(titles), { actOnReplies: true, maxSegments });
      expect(digest.segments).toBeLessThanOrEqual(maxSegments);
      expect(segmentInfo(digest.body).segments).toBe(digest.segments);
      expect(digest.listed).toBeGreaterThanOrEqual(1);
      expect(digest.listed).toBeLessThan(12);
      expect(digest.body).toContain(`+${12 - digest.listed} more.`);
      expect(digest.body.startsWith("BuildOS: 12 reminders:")).toBe(true);
    }
    // A larger budget lists more.
    expect(composeDigest(reminders(titles), { actOnReplies: true, maxSegments: 3 }).listed).toBeGreaterThan(
      composeDigest(reminders(titles), { actOnReplies: true, maxSegments: 1 }).listed,
    );
  });

  it("an emoji in one title makes the text UCS-2, and the budget is counted in UCS-2 segments", () => {
    const titles = ["Call Ana 📞", ...Array.from({ length: 8 }, (_, i) => `Review the drawings for block ${i}`)];
    const digest = composeDigest(reminders(titles), { actOnReplies: true, maxSegments: 2 });
    expect(digest.encoding).toBe("UCS-2");
    expect(digest.segments).toBeLessThanOrEqual(2);
    expect(digest.listed).toBeLessThan(titles.length);
  });

  it("a single item too long for the budget is shortened rather than dropped", () => {
    const digest = composeDigest([{ ref: 1, line: "x".repeat(400) }], { actOnReplies: true, maxSegments: 1 });
    expect(digest.segments).toBe(1);
    expect(digest.body).toMatch(/1\) x+\.\.\./);
  });

  it("texts that are not reminders are listed without a number; with replies off it says to open BuildOS", () => {
    const mixed = composeDigest([{ ref: null, line: "Your day: 3 tasks" }, ...reminders(["Call Ana"])], { actOnReplies: false });
    expect(mixed.body).toBe("BuildOS: 2 texts: Your day: 3 tasks; 1) Call Ana at 9:00 AM. Open BuildOS to mark them done.");
    const noReminders = composeDigest([{ ref: null, line: "A" }, { ref: null, line: "B" }], { actOnReplies: true });
    expect(noReminders.body).toBe("BuildOS: 2 texts: A; B.");
  });

  it("a text that is not a reminder becomes its first sentence, without our prefix", () => {
    expect(lineFromBody("BuildOS: Good morning! You have 3 tasks today. Open the app.")).toBe("Good morning");
    expect(lineFromBody("BuildOS: 3 tasks due today: Pour, Frame, Wire.")).toBe("3 tasks due today: Pour, Frame, Wire");
    expect(lineFromBody("y".repeat(100))).toHaveLength(70);
  });
});
