import { describe, expect, it } from "vitest";
import { malformedPlaceholders, renderTemplate, segmentInfo, templateVariables } from "@/server/templates/render";

describe("template rendering", () => {
  it("lists variables in first-use order without duplicates", () => {
    expect(templateVariables("{{a}} and {{ b }} then {{a}}")).toEqual(["a", "b"]);
  });

  it("fills placeholders", () => {
    expect(renderTemplate("BuildOS: {{task_name}} is due {{due_time}}.", { task_name: "Ship", due_time: "at 5pm" })).toEqual({
      ok: true,
      body: "BuildOS: Ship is due at 5pm.",
    });
  });

  it("refuses a missing or blank variable instead of rendering an empty string", () => {
    expect(renderTemplate("{{task_name}} due {{due_time}}", { task_name: "Ship", due_time: "  " })).toEqual({
      ok: false,
      missing: ["due_time"],
    });
  });

  it("flags malformed placeholders", () => {
    expect(malformedPlaceholders("Hi {{Task Name}} {{ok_name}} {{}}")).toEqual(["{{Task Name}}", "{{}}"]);
  });
});

describe("segments", () => {
  it("counts GSM-7 at 160 per single segment and 153 when concatenated", () => {
    expect(segmentInfo("a".repeat(160))).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(segmentInfo("a".repeat(161))).toMatchObject({ encoding: "GSM-7", segments: 2 });
    expect(segmentInfo("a".repeat(306))).toMatchObject({ segments: 2 });
    expect(segmentInfo("a".repeat(307))).toMatchObject({ segments: 3 });
  });

  it("switches the whole message to UCS-2 for one non-GSM character", () => {
    const info = segmentInfo(`${"a".repeat(69)}✓`);
    expect(info).toMatchObject({ encoding: "UCS-2", segments: 1, nonGsmCharacters: ["✓"] });
    expect(segmentInfo(`${"a".repeat(70)}✓`).segments).toBe(2);
  });
});
