import { describe, expect, it } from "vitest";
import { wordDiff, type DiffPart } from "@/server/templates/word-diff";

const textOf = (parts: DiffPart[], keep: DiffPart["kind"][]) => parts.filter((p) => keep.includes(p.kind)).map((p) => p.text).join("");

describe("wordDiff", () => {
  it("marks nothing when the bodies are equal", () => {
    expect(wordDiff("Task {{title}} is due.", "Task {{title}} is due.")).toEqual([{ kind: "same", text: "Task {{title}} is due." }]);
  });

  it("shows a replaced word as removed then added, the rest unchanged", () => {
    expect(wordDiff("Your task is due soon.", "Your task is due today.")).toEqual([
      { kind: "same", text: "Your task is due " },
      { kind: "removed", text: "soon." },
      { kind: "added", text: "today." },
    ]);
  });

  it("finds insertions and deletions around common words", () => {
    expect(wordDiff("BuildOS: {{title}} due", "BuildOS reminder: {{title}} is due")).toEqual([
      { kind: "removed", text: "BuildOS: " },
      { kind: "added", text: "BuildOS reminder: " },
      { kind: "same", text: "{{title}} " },
      { kind: "added", text: "is " },
      { kind: "same", text: "due" },
    ]);
  });

  it("always rebuilds both texts: before = same + removed, after = same + added", () => {
    const pairs = [
      ["", "Hello there"],
      ["Hello there", ""],
      ["a b c d e f", "a c e g"],
      ["Reply  STOP to opt out", "Reply STOP to opt out.\nThanks"],
      ["x y x y x", "y x y x y"],
    ];
    for (const [before, after] of pairs) {
      const parts = wordDiff(before!, after!);
      expect(textOf(parts, ["same", "removed"])).toBe(before);
      expect(textOf(parts, ["same", "added"])).toBe(after);
    }
  });

  it("keeps the most words in common (a longest common subsequence)", () => {
    const parts = wordDiff("one two three four five", "zero one two four five six");
    expect(textOf(parts, ["same"]).split(/\s+/).filter(Boolean)).toEqual(["one", "two", "four", "five"]);
  });
});
