import { describe, expect, it } from "vitest";
import { checkTemplateBody, keywordReplyWarnings, replaceLookalikes } from "@/server/templates/body-check";

describe("segment math (known vectors)", () => {
  it.each([
    ["a".repeat(160), "GSM-7", 1],
    ["a".repeat(161), "GSM-7", 2],
    ["a".repeat(306), "GSM-7", 2], // 2 × 153
    ["a".repeat(307), "GSM-7", 3],
    ["ç".repeat(70), "UCS-2", 1],
    ["ç".repeat(71), "UCS-2", 2],
    ["ç".repeat(134), "UCS-2", 2], // 2 × 67
    ["ç".repeat(135), "UCS-2", 3],
  ] as const)("%# %s…: %s, %i segment(s)", (body, encoding, segments) => {
    const check = checkTemplateBody(body);
    expect(check.encoding).toBe(encoding);
    expect(check.segments).toBe(segments);
  });

  it("counts GSM-7 extension characters double", () => {
    expect(checkTemplateBody("€".repeat(80))).toMatchObject({ encoding: "GSM-7", segments: 1, characters: 160 });
    expect(checkTemplateBody("€".repeat(81))).toMatchObject({ encoding: "GSM-7", segments: 2, characters: 162 });
    expect(checkTemplateBody("[".repeat(80) + "a")).toMatchObject({ segments: 2, characters: 161 });
  });

  it("turns the whole text UCS-2 for one emoji", () => {
    const check = checkTemplateBody("a".repeat(100) + "😀");
    expect(check.encoding).toBe("UCS-2");
    expect(check.segments).toBe(2);
    expect(check.nonGsm).toEqual([{ char: "😀", index: 100, replacement: null }]);
  });

  it("never splits a surrogate pair across segments", () => {
    // 134 UTF-16 units fit 2 × 67 if the pair could be cut; kept whole, the emoji starts
    // segment 2 (66 + 2 > 67), which then overflows into a third.
    expect(checkTemplateBody("a".repeat(66) + "😀" + "a".repeat(66)).segments).toBe(3);
    expect(checkTemplateBody("a".repeat(65) + "😀" + "a".repeat(67)).segments).toBe(2);
  });
});

describe("look-alikes", () => {
  it("replaces curly quotes, long dashes and no-break spaces with their GSM-7 forms", () => {
    const typed = "Don\u2019t miss \u201Cdemo\u201D \u2014 at\u00A03\u20135 pm\u2026";
    const fixed = replaceLookalikes(typed);
    expect(fixed).toBe('Don\'t miss "demo" - at 3-5 pm...');
    expect(checkTemplateBody(typed).encoding).toBe("UCS-2");
    expect(checkTemplateBody(fixed).encoding).toBe("GSM-7");
  });

  it("marks each character that forces UCS-2 with its position and fix", () => {
    const check = checkTemplateBody("It\u2019s ç");
    expect(check.nonGsm).toEqual([
      { char: "\u2019", index: 2, replacement: "'" },
      { char: "ç", index: 5, replacement: null },
    ]);
    expect(check.warnings[0]).toMatch(/2 characters force UCS-2.*1 can be replaced/);
  });
});

describe("body rules", () => {
  it("refuses malformed placeholders, empty bodies and more than 1,600 characters", () => {
    expect(checkTemplateBody("Hi {{Task Name}}").errors[0]).toMatch(/Malformed placeholders: \{\{Task Name\}\}/);
    expect(checkTemplateBody("  ").errors).toContain("The body is empty.");
    expect(checkTemplateBody("a".repeat(1_601)).errors[0]).toMatch(/1601 characters; Twilio refuses more than 1600/);
    expect(checkTemplateBody("a".repeat(1_600)).errors).toEqual([]);
  });

  it("warns above 320 characters", () => {
    expect(checkTemplateBody("a".repeat(320)).warnings).toEqual([]);
    expect(checkTemplateBody("a".repeat(321)).warnings[0]).toMatch(/321 characters \(3 segments\)/);
  });

  it("derives variables from the body and previews with sample values", () => {
    const check = checkTemplateBody("{{task_name}} is due {{due_time}}. {{task_name}}", { task_name: "Ship it" });
    expect(check.variables).toEqual(["task_name", "due_time"]);
    expect(check.preview).toBe("Ship it is due {{due_time}}. Ship it");
  });
});

describe("keyword replies", () => {
  it.each(["Reply YES to confirm", "reply CANCEL to cancel the task", "Text START to begin", "Reply \u201Cend\u201D when done", "Respond with INFO"])(
    "warns on %j",
    (body) => {
      expect(keywordReplyWarnings(body)).toHaveLength(1);
    },
  );

  it.each(["Reply STOP to opt out.", "Reply HELP for help, STOP to opt out.", "Reply STOP to unsubscribe", "Reply DONE when finished"])(
    "accepts %j",
    (body) => {
      expect(keywordReplyWarnings(body)).toEqual([]);
    },
  );
});
